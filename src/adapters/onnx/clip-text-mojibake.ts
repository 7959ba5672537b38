/**
 * ftfy's fix_encoding (ftfy 6.3.1, `ftfy/__init__.py` _fix_encoding_one_step_and_explain),
 * ported for CLIP text cleaning: text that is UTF-8 decoded with a single-byte encoding
 * ("cafÃ©", "Womenâ€™s") is encoded back and decoded as UTF-8. Same order of attempts and the
 * same heuristics (the badness and UTF-8 detector regexes, the byte tables, restore_byte_a0,
 * replace_lossy_sequences, utf-8-variants), all read from clip-text-tables.json, which
 * scripts/reference/build-ftfy-tables.py exports from ftfy itself.
 */
import tables from './clip-text-tables.json';

type Charmap = readonly (string | null)[];

const CHARMAPS = Object.entries(tables.charmaps) as Array<[string, Charmap]>;
const BADNESS = new RegExp(tables.badness, 'u');
const UTF8_DETECTOR = new RegExp(tables.utf8Detector, 'gu');
// Byte regexes run over "binary strings" (one char per byte, U+0000-U+00FF): no `u` flag.
const ALTERED_UTF8 = new RegExp(tables.alteredUtf8);
const ALTERED_UTF8_ALL = new RegExp(tables.alteredUtf8, 'g');
const A_GRAVE_WORD = new RegExp(tables.aGraveWord, 'g');
const LOSSY_UTF8 = new RegExp(tables.lossyUtf8, 'g');
const C1_CONTROL = /[\x80-\x9f]/;
const C1_CONTROLS = /[\x80-\x9f]/g;
// ftfy's utf-8-variants codec: CESU-8 surrogate pairs and Java's C0 80 for NUL.
const CESU_PAIR = /\xed([\xa0-\xaf])([\x80-\xbf])\xed([\xb0-\xbf])([\x80-\xbf])|\xc0\x80/g;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface Encoder {
  readonly name: string;
  /** char -> byte; a char absent from it cannot be encoded. */
  readonly bytes: ReadonlyMap<string, number>;
  readonly chars: Charmap;
}

const ENCODERS: readonly Encoder[] = CHARMAPS.map(([name, chars]) => {
  // The chars ftfy's possible_encoding admits are exactly those some byte decodes to
  // (ASCII is the identity in every one of these codecs; sloppy ones decode 0x1a as U+FFFD).
  const bytes = new Map<string, number>();
  chars.forEach((char, byte) => {
    if (char !== null && !bytes.has(char)) bytes.set(char, byte);
  });
  return { name, bytes, chars };
});
const LATIN1 = ENCODERS[0] as Encoder;
const SLOPPY_1252 = ENCODERS[1] as Encoder;

/** ftfy's is_bad: does the text contain a sequence that looks like mojibake? */
function isBad(text: string): boolean {
  return BADNESS.test(text);
}

/** text.encode(encoding) as a binary string, or undefined when a char has no byte. */
function encode(text: string, encoder: Encoder): string | undefined {
  let out = '';
  for (const char of text) {
    const byte = encoder.bytes.get(char);
    if (byte === undefined) return undefined;
    out += String.fromCharCode(byte);
  }
  return out;
}

function binaryToBytes(binary: string): Uint8Array {
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Strict UTF-8, or ftfy's utf-8-variants when the bytes hold 0xED or 0xC0. Throws on bad input. */
function decodeUtf8(binary: string): string {
  if (!binary.includes('\xed') && !binary.includes('\xc0')) {
    return UTF8.decode(binaryToBytes(binary));
  }
  let out = '';
  let last = 0;
  for (const match of binary.matchAll(CESU_PAIR)) {
    out += UTF8.decode(binaryToBytes(binary.slice(last, match.index)));
    if (match[1] === undefined) {
      out += '\0';
    } else {
      const [b1, b2, b3, b4] = match.slice(1, 5).map((c) => (c as string).charCodeAt(0) & 0x3f);
      const high = 0xd000 | ((b1 as number) << 6) | (b2 as number);
      const low = 0xd000 | ((b3 as number) << 6) | (b4 as number);
      out += String.fromCharCode(high, low);
    }
    last = match.index + match[0].length;
  }
  return out + UTF8.decode(binaryToBytes(binary.slice(last)));
}

/** ftfy's restore_byte_a0: a space that stood for the byte 0xA0 inside UTF-8 mojibake. */
function restoreByteA0(binary: string): string {
  return binary
    .replace(A_GRAVE_WORD, '\xc3\xa0 ')
    .replace(ALTERED_UTF8_ALL, (m) => m.replaceAll(' ', '\xa0'));
}

function transcode(text: string, encoder: Encoder): string | undefined {
  let binary = encode(text, encoder);
  if (binary === undefined) return undefined;
  if (encoder.name !== 'macroman' && ALTERED_UTF8.test(binary)) binary = restoreByteA0(binary);
  if (encoder.name.startsWith('sloppy')) binary = binary.replace(LOSSY_UTF8, '\xef\xbf\xbd');
  return binary;
}

/** ftfy's fix_c1_controls: U+0080-U+009F read as the Windows-1252 bytes they were. */
export function fixC1Controls(text: string): string {
  return text.replace(C1_CONTROLS, (c) => SLOPPY_1252.chars[c.charCodeAt(0)] as string);
}

function decodeInconsistentUtf8(text: string): string {
  return text.replace(UTF8_DETECTOR, (sub) =>
    sub.length < text.length && isBad(sub) ? fixEncoding(sub) : sub,
  );
}

function isAscii(text: string): boolean {
  // ftfy's "ascii" possible_encoding: U+0000-U+007F.
  // eslint-disable-next-line no-control-regex -- ASCII includes the C0 controls
  return /^[\x00-\x7f]*$/.test(text);
}

/** One round of ftfy's fix_encoding; returns the text unchanged when nothing applies. */
function fixEncodingOnce(text: string): string {
  if (text.length === 0 || isAscii(text) || !isBad(text)) return text;
  const possible: Encoder[] = [];
  for (const encoder of ENCODERS) {
    const binary = transcode(text, encoder);
    if (binary === undefined) continue;
    possible.push(encoder);
    try {
      return decodeUtf8(binary);
    } catch {
      // Not UTF-8 in this encoding: try the next one.
    }
  }
  UTF8_DETECTOR.lastIndex = 0;
  if (UTF8_DETECTOR.test(text)) {
    UTF8_DETECTOR.lastIndex = 0;
    const fixed = decodeInconsistentUtf8(text);
    if (fixed !== text) return fixed;
  }
  // ftfy then checks for "windows-1252" among the possible encodings, a name its list never
  // holds, and decodes latin-1 as strict windows-1252, which fails on C1 controls outside
  // cp1252: so a latin-1 text is only changed below when every C1 char has a cp1252 meaning.
  if (possible.includes(LATIN1)) {
    const strict = encode(text, LATIN1) as string;
    if (![...strict].some((c) => '\x81\x8d\x8f\x90\x9d'.includes(c))) {
      const fixed = fixC1Controls(text);
      if (fixed !== text) return fixed;
    }
  }
  return C1_CONTROL.test(text) ? fixC1Controls(text) : text;
}

/** ftfy's fix_encoding: repeat until the text stops changing. */
export function fixEncoding(text: string): string {
  for (;;) {
    const fixed = fixEncodingOnce(text);
    if (fixed === text) return text;
    text = fixed;
  }
}
