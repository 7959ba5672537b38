"""Build test/fixtures/tokenizer/openclip-text-corpus.json.gz: strings and OpenCLIP's token ids.

The expected ids come from OpenCLIP's own SimpleTokenizer (open_clip/tokenizer.py of the PyPI
wheel open_clip_torch 3.3.0: ftfy.fix_text + html.unescape twice + whitespace_clean + lower,
then its BPE on bpe_simple_vocab_16e6.txt.gz, the vocabulary test/fixtures/tokenizer/
clip-tokenizer.json.gz is built from). tokenizer.py is loaded from the unpacked wheel with a
stand-in `torch` module (only __call__ builds tensors; this script calls encode()), so the
reference is OpenCLIP's code itself, not a copy. Nothing here comes from the project's code.

  python3 -m venv /tmp/refvenv
  /tmp/refvenv/bin/pip install ftfy==6.3.1 regex numpy
  /tmp/refvenv/bin/pip download --no-deps open_clip_torch==3.3.0 -d /tmp/ocw
  (cd /tmp/ocw && unzip -o open_clip_torch-3.3.0-py3-none-any.whl 'open_clip/*')
  /tmp/refvenv/bin/python scripts/reference/clip-text-corpus.py /tmp/ocw/open_clip \\
      | gzip -9n > test/fixtures/tokenizer/openclip-text-corpus.json.gz

Each entry: {"class", "text", "ids"} with ids = [sot] + encode(text) + [eot], truncated to 77
with the end token last (OpenCLIP's __call__ without the zero padding); "clean":
"canonicalize" where OpenCLIP's canonicalize cleaning was used. OpenCLIP's pre-token regex
matches its own special-token spellings `<start_of_text>`/`<end_of_text>` in user text; the
project deliberately keeps those as plain text, so for strings holding them the ids come from
the same tokenizer with that alternative removed from the regex, and the entry says
"deviation".
"""
import importlib.util
import json
import random
import sys
import types

import regex

sys.path.insert(0, __import__("os").path.dirname(__file__))
from clip_text_corpus_strings import build_corpus  # noqa: E402

CONTEXT = 77


def load_open_clip_tokenizer(package_dir):
    torch = types.ModuleType("torch")
    torch.__getattr__ = lambda name: object  # annotations only (torch.Tensor, torch.LongTensor)
    sys.modules.setdefault("torch", torch)
    spec = importlib.util.spec_from_file_location("open_clip_tokenizer", f"{package_dir}/tokenizer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_ids(tokenizer, text):
    ids = [tokenizer.sot_token_id] + tokenizer.encode(text) + [tokenizer.eot_token_id]
    if len(ids) > CONTEXT:
        ids = ids[:CONTEXT]
        ids[-1] = tokenizer.eot_token_id
    return ids


def main(package_dir):
    oc = load_open_clip_tokenizer(package_dir)
    lower = oc.SimpleTokenizer(clean="lower")
    canon = oc.SimpleTokenizer(clean="canonicalize")
    plain = oc.SimpleTokenizer(clean="lower")
    # The same regex without the special-token alternative (see the docstring).
    plain.pat = regex.compile(lower.pat.pattern.split("|", 2)[2], regex.IGNORECASE)
    special = regex.compile(r"<start_of_text>|<end_of_text>", regex.IGNORECASE)
    entries = []
    for cls, text, clean in build_corpus(random.Random(11)):
        tokenizer = canon if clean == "canonicalize" else lower
        entry = {"class": cls, "text": text}
        if clean == "canonicalize":
            entry["clean"] = "canonicalize"
        if special.search(oc.basic_clean(text)):
            entry["deviation"] = "OpenCLIP's special-token spelling kept as plain text"
            tokenizer = plain
        entry["ids"] = reference_ids(tokenizer, text)
        entries.append(entry)
    json.dump({"generator": __doc__.strip().splitlines()[0], "entries": entries}, sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
