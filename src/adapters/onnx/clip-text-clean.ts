/**
 * The text cleaning OpenCLIP runs before BPE (open_clip/tokenizer.py, OpenCLIP 3.3):
 *
 *   basic_clean:      ftfy.fix_text(text), html.unescape twice, strip
 *   whitespace_clean: " ".join(text.split())
 *   clean 'lower' (the default): whitespace_clean(basic_clean(text)).lower()
 *   clean 'canonicalize': basic_clean, '_' -> ' ', drop string.punctuation, lower, whitespace
 *
 * Every caption a CLIP model was trained on went through this, so a query must too: "cafÃ©",
 * "Tom &amp; Jerry", "Women’s", "ＡＢＣ" or "ﬁne" tokenise as the model expects only after it.
 * ftfy (fix_text with its defaults) and Python's html.unescape are re-implemented here and in
 * clip-text-mojibake.ts; the data they need (the WHATWG entity table, ftfy's regexes and byte
 * tables) is exported from the Python libraries by scripts/reference/build-ftfy-tables.py
 * into clip-text-tables.json rather than taken from an npm package (`entities` is not a
 * dependency, and Python's table is the reference by definition).
 * test/integration/adapters/onnx/clip-tokenizer-reference.test.ts checks the token ids
 * against OpenCLIP's own tokenizer on the corpus in test/fixtures/tokenizer.
 */
import { fixC1Controls, fixEncoding } from './clip-text-mojibake';
import tables from './clip-text-tables.json';

const HTML5: Readonly<Record<string, string>> = tables.html5;
const FTFY_UPPER: Readonly<Record<string, string>> = tables.ftfyUpperEntities;
const WIDTH: Readonly<Record<string, string>> = tables.widthMap;

/** Python's str.isspace() set: what str.split() and str.strip() treat as whitespace. */
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE}]+`, 'g');
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
/** Python's string.punctuation. */
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

const LIGATURES: Readonly<Record<string, string>> = {
  Ĳ: 'IJ', ĳ: 'ij', ŉ: 'ʼn', Ǳ: 'DZ', ǲ: 'Dz', ǳ: 'dz', Ǆ: 'DŽ', ǅ: 'Dž', ǆ: 'dž', Ǉ: 'LJ',
  ǈ: 'Lj', ǉ: 'lj', Ǌ: 'NJ', ǋ: 'Nj', ǌ: 'nj', ﬀ: 'ff', ﬁ: 'fi', ﬂ: 'fl', ﬃ: 'ffi',
  ﬄ: 'ffl', ﬅ: 'ſt', ﬆ: 'st',
}; // prettier-ignore
const LIGATURE_RE = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'gu');
const WIDTH_RE = new RegExp(`[${Object.keys(WIDTH).join('')}]`, 'gu');
/** ftfy's CONTROL_CHARS: C0 controls but \t \n \f \r, DEL, U+206A-F, BOM, U+FFF9-FFFC. */
// eslint-disable-next-line no-control-regex -- these are the characters ftfy removes
const CONTROL_CHARS = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;
/** ftfy's ANSI_RE; Python's \d matches every decimal digit. */
// eslint-disable-next-line no-control-regex -- ESC starts the sequence ftfy removes
const ANSI_ESCAPE = /\x1b\[((?:\p{Nd}|;)*)([a-zA-Z])/gu;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const FTFY_ENTITY = /&#?[0-9A-Za-z]{1,24};/g;
const PY_CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;

/** Python html._invalid_charrefs: 0x00, 0x0d and 0x80-0x9f (read as Windows-1252). */
function invalidCharref(num: number): string | undefined {
  if (num === 0) return '\ufffd';
  if (num === 0x0d) return '\r';
  if (num >= 0x80 && num <= 0x9f) return fixC1Controls(String.fromCharCode(num));
  return undefined;
}

/** Python html._invalid_codepoints: dropped from numeric references. */
function isInvalidCodepoint(num: number): boolean {
  return (
    (num >= 0x1 && num <= 0x8) ||
    num === 0xb ||
    (num >= 0xe && num <= 0x1f) ||
    (num >= 0x7f && num <= 0x9f) ||
    (num >= 0xfdd0 && num <= 0xfdef) ||
    (num & 0xfffe) === 0xfffe
  );
}

function numericCharref(ref: string): string {
  const hex = ref[1] === 'x' || ref[1] === 'X';
  const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '');
  const num = parseInt(digits, hex ? 16 : 10);
  const invalid = invalidCharref(num);
  if (invalid !== undefined) return invalid;
  if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return '\ufffd';
  if (isInvalidCodepoint(num)) return '';
  return String.fromCodePoint(num);
}

/** Python's html.unescape (3.11): numeric and named references, longest-prefix legacy names. */
function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(PY_CHARREF, (match, ref: string) => {
    if (ref.startsWith('#')) return numericCharref(ref);
    const whole = HTML5[ref];
    if (whole !== undefined) return whole;
    for (let x = ref.length - 1; x > 1; x--) {
      const prefix = HTML5[ref.slice(0, x)];
      if (prefix !== undefined) return prefix + ref.slice(x);
    }
    return match;
  });
}

/** ftfy's unescape_html: only complete `&name;` / `&#n;` references. */
function ftfyUnescape(text: string): string {
  return text.replace(FTFY_ENTITY, (entity) => {
    const name = entity.slice(1);
    if (name.endsWith(';') && HTML5[name] !== undefined) return HTML5[name];
    if (FTFY_UPPER[entity] !== undefined) return FTFY_UPPER[entity];
    if (!entity.startsWith('&#')) return entity;
    const unescaped = htmlUnescape(entity);
    return unescaped.includes(';') ? entity : unescaped;
  });
}

/** The fixers fix_and_explain runs after fix_encoding, in ftfy's order, then NFC. */
function fixCharacters(text: string): string {
  let out = fixC1Controls(text)
    .replace(LIGATURE_RE, (c) => LIGATURES[c] as string)
    .replace(WIDTH_RE, (c) => WIDTH[c] as string)
    .replace(/[ʼ‘-‛]/g, "'")
    .replace(/[“-‟]/g, '"')
    .replace(/\r\n|[\r\u2028\u2029\x85]/g, '\n');
  // fix_surrogates: paired surrogates are one code point in JS already; lone ones -> U+FFFD.
  out = out.replace(LONE_SURROGATE, '\ufffd');
  return out.replace(ANSI_ESCAPE, '').replace(CONTROL_CHARS, '').normalize('NFC');
}

function fixSegment(text: string, unescape: boolean): string {
  for (;;) {
    const before = text;
    if (unescape) text = ftfyUnescape(text);
    text = fixCharacters(fixEncoding(text));
    if (text === before) return text;
  }
}

/**
 * ftfy.fix_text with its default config: line by line, HTML unescaping turned off for good
 * from the first line that holds a '<' (ftfy takes that as real HTML).
 */
function fixText(text: string): string {
  let unescape = true;
  let out = '';
  for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    if (line.includes('<')) unescape = false;
    out += fixSegment(line, unescape);
  }
  return out;
}

function pyStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

/** Python's " ".join(text.split()). */
function whitespaceClean(text: string): string {
  return pyStrip(text.replace(PY_SPACE_RUN, ' '));
}

/** OpenCLIP's basic_clean. */
function basicClean(text: string): string {
  return pyStrip(htmlUnescape(htmlUnescape(fixText(text))));
}

/** OpenCLIP's text cleaning: `lower` (default) or `canonicalize` (punctuation dropped too). */
export function openClipClean(text: string, canonicalize = false): string {
  const basic = basicClean(text);
  if (!canonicalize) return whitespaceClean(basic).toLowerCase();
  return whitespaceClean(basic.replaceAll('_', ' ').replace(PUNCTUATION, '').toLowerCase());
}
