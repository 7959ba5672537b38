"""Build CLIP's HF-format tokenizer.json from OpenAI's BPE vocabulary file.

Reference tooling, not used at run time. It mirrors transformers' CLIPConverter
(convert_slow_tokenizer.py), which is how openai/clip-vit-base-patch32's tokenizer.json
(the file Immich ships in textual/) was made.

  pip install tokenizers
  pip download open_clip_torch --no-deps   # the wheel ships open_clip/bpe_simple_vocab_16e6.txt.gz
  python3 scripts/reference/build-clip-tokenizer.py bpe_simple_vocab_16e6.txt.gz OUT.json
"""
import gzip
import sys

from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import BPE


def bytes_to_unicode():
    # OpenAI's byte -> printable unicode map (simple_tokenizer.py).
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def main(src, out):
    lines = gzip.open(src).read().decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1 : 49152 - 256 - 2 + 1]]
    vocab = list(bytes_to_unicode().values())
    vocab = vocab + [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    encoder = {tok: i for i, tok in enumerate(vocab)}
    tok = Tokenizer(
        BPE(vocab=encoder, merges=merges, dropout=None, continuing_subword_prefix="",
            end_of_word_suffix="</w>", fuse_unk=False, unk_token="<|endoftext|>")
    )
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Lowercase()]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(
            Regex(r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""),
            behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False),
    ])
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.RobertaProcessing(
        ("<|endoftext|>", 49407), ("<|startoftext|>", 49406), trim_offsets=False, add_prefix_space=False)
    tok.add_special_tokens([AddedToken("<|startoftext|>", normalized=True),
                            AddedToken("<|endoftext|>", normalized=False)])
    tok.save(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
