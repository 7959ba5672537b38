"""Reference token ids for test/integration/adapters/onnx/clip-tokenizer.test.ts.

Does what Immich's OpenClipTextualEncoder does (immich_ml/models/clip/textual.py): clean_text
(collapse whitespace), HF `tokenizers` with padding to the context length using
tokenizer_config's pad_token (<|endoftext|>) and truncation to the context length.

  pip install tokenizers
  python3 scripts/reference/clip-tokenizer-reference.py TOKENIZER_JSON[.gz] TEXT...
"""
import gzip
import json
import sys

from tokenizers import Tokenizer


def main(path, texts):
    raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    tok = Tokenizer.from_str(raw.decode("utf-8"))
    pad_id = tok.token_to_id("<|endoftext|>")
    tok.enable_padding(length=77, pad_token="<|endoftext|>", pad_id=pad_id)
    tok.enable_truncation(max_length=77)
    out = {}
    for text in texts:
        ids = tok.encode(" ".join(text.split())).ids
        # Print the ids up to the first pad after the end token; the rest is padding.
        end = ids.index(pad_id) + 1
        out[text] = {"ids": ids[:end], "length": len(ids), "pad": pad_id}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
