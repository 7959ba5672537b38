/**
 * The format of an upload, from its first bytes, before anything parses it. Only the formats a
 * product photo may come in are named; everything else (SVG, PDF, PostScript, HTML, raw pixels,
 * archives, unknown bytes) is `undefined`, so a caller can refuse it without decoding a byte.
 */
export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'heif' | 'tiff';

/** The photo formats the schema lists, as the README and error details spell them. */
export const PHOTO_FORMATS: readonly PhotoFormat[] = [
  'jpeg',
  'png',
  'webp',
  'gif',
  'avif',
  'heif',
  'tiff',
];

const ascii = (bytes: Uint8Array, from: number, text: string): boolean => {
  if (bytes.length < from + text.length) return false;
  for (let i = 0; i < text.length; i += 1) {
    if (bytes[from + i] !== text.charCodeAt(i)) return false;
  }
  return true;
};

const starts = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);

// ISO BMFF brands (ftyp box): AVIF and the HEIF family sharp's libheif decodes.
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

function isoBrand(bytes: Uint8Array): PhotoFormat | undefined {
  if (!ascii(bytes, 4, 'ftyp') || bytes.length < 12) return undefined;
  const boxSize = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const end = Math.min(bytes.length, boxSize >= 16 ? boxSize : 12, 256);
  const brands: string[] = [];
  // major brand at 8, then (after the minor version at 12) compatible brands from 16.
  for (const at of [
    8,
    ...Array.from({ length: Math.max(0, (end - 16) / 4) }, (_, i) => 16 + i * 4),
  ]) {
    if (at + 4 <= end) brands.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
  }
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
  if (brands.some((brand) => HEIF_BRANDS.has(brand))) return 'heif';
  return undefined;
}

/** The photo format `bytes` start with, or undefined for anything else. */
export function sniffPhotoFormat(bytes: Uint8Array): PhotoFormat | undefined {
  if (starts(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'webp';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'gif';
  if (starts(bytes, [0x49, 0x49, 0x2a, 0x00]) || starts(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return 'tiff';
  }
  return isoBrand(bytes);
}

/** A word for what the bytes look like, for error details when they are not a photo. */
export function describeNonPhoto(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1').trimStart().toLowerCase();
  if (bytes.length === 0) return 'empty';
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'svg';
  if (head.startsWith('<?xml')) return 'xml';
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'html';
  if (head.startsWith('%pdf')) return 'pdf';
  if (head.startsWith('%!ps')) return 'postscript';
  if (starts(bytes, [0x42, 0x4d])) return 'bmp';
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if (starts(bytes, [0x1f, 0x8b])) return 'gzip';
  return 'unknown';
}
