"""Build src/adapters/onnx/clip-text-tables.json: the data OpenCLIP's text cleaning depends on.

OpenCLIP cleans every caption with ftfy.fix_text and Python's html.unescape before BPE
(open_clip/tokenizer.py basic_clean). src/adapters/onnx/clip-text-clean.ts re-implements those
steps in TypeScript; this script exports the tables they read, straight from the reference
libraries, so nothing is retyped by hand:

- html5: Python's html.entities.html5 (the WHATWG named character references, with and
  without the trailing ';'), used by html.unescape and by ftfy's own unescape_html.
- ftfyUpperEntities: the upper-case entity names ftfy adds (`&EACUTE;` -> 'É').
- badness / utf8Detector: ftfy's mojibake heuristics (badness.BADNESS_RE and
  chardata.UTF8_DETECTOR_RE), turned from Python verbose regexes into JavaScript sources
  (whitespace and comments dropped outside classes, `\\s` and `\\w` spelled as Python means
  them for str patterns).
- charmaps: for each of ftfy's CHARMAP_ENCODINGS (the single-byte encodings it tries, in its
  order), the character each byte 0-255 decodes to (null where the codec has none).
- alteredUtf8, aGraveWord, lossyUtf8: ftfy's byte regexes (restore_byte_a0,
  replace_lossy_sequences), as latin-1 strings for a JavaScript regex over a byte string.
- widthMap: ftfy's fix_character_width table (fullwidth/halfwidth forms -> NFKC, U+3000 -> ' ').

Run (ftfy 6.3.1, Python 3.11):
  python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install ftfy==6.3.1
  /tmp/refvenv/bin/python scripts/reference/build-ftfy-tables.py > src/adapters/onnx/clip-text-tables.json
  npx prettier --write src/adapters/onnx/clip-text-tables.json
"""
import html.entities
import json
import sys

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)
from ftfy import badness, chardata, fixes

# Python's str.isspace() set and its \w for str patterns, as JavaScript classes.
PY_SPACE = r"[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
PY_WORD = r"[\p{L}\p{N}_]"


def verbose_to_js(pattern):
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            esc = pattern[i : i + 2]
            if esc == "\\s" and not in_class:
                out.append(PY_SPACE)
            elif esc == "\\w" and not in_class:
                out.append(PY_WORD)
            elif esc in ("\\s", "\\w"):
                raise ValueError("class escape inside a class: " + pattern[i - 10 : i + 10])
            else:
                out.append(esc)
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
        elif ch == "#":
            while i < len(pattern) and pattern[i] != "\n":
                i += 1
            continue
        elif not ch.isspace():
            out.append(ch)
        i += 1
    return "".join(out)


def charmap(encoding):
    out = []
    for b in range(256):
        try:
            out.append(bytes([b]).decode(encoding))
        except UnicodeDecodeError:
            out.append(None)
    return out


def ftfy_upper_entities():
    extra = {}
    for key, char in chardata.HTML_ENTITIES.items():
        name = key[1:]
        if name not in html.entities.html5:
            extra[key] = char
    return extra


def main():
    tables = {
        "source": f"ftfy {ftfy.__version__}, Python {sys.version.split()[0]} html.entities",
        "html5": html.entities.html5,
        "ftfyUpperEntities": ftfy_upper_entities(),
        "badness": verbose_to_js(badness.BADNESS_RE.pattern),
        "utf8Detector": verbose_to_js(chardata.UTF8_DETECTOR_RE.pattern),
        "charmaps": {enc: charmap(enc) for enc in chardata.CHARMAP_ENCODINGS},
        "alteredUtf8": chardata.ALTERED_UTF8_RE.pattern.decode("latin-1"),
        "aGraveWord": fixes.A_GRAVE_WORD_RE.pattern.decode("latin-1"),
        "lossyUtf8": chardata.LOSSY_UTF8_RE.pattern.decode("latin-1"),
        "widthMap": {chr(k): v for k, v in chardata.WIDTH_MAP.items()},
    }
    json.dump(tables, sys.stdout, ensure_ascii=False, indent=0, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
