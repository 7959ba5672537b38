/**
 * The media type of a kept photo, from its first bytes. The store keeps no sidecar: bytes are
 * the only truth, so the type served can never disagree with what is on disk.
 */
const SIGNATURES: ReadonlyArray<{
  readonly type: string;
  readonly test: (b: Uint8Array) => boolean;
}> = [
  { type: 'image/jpeg', test: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  { type: 'image/png', test: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/gif', test: (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a') },
  { type: 'image/webp', test: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP') },
  {
    type: 'image/avif',
    test: (b) => ascii(b, 4, 'ftyp') && (ascii(b, 8, 'avif') || ascii(b, 8, 'avis')),
  },
  { type: 'image/heic', test: (b) => ascii(b, 4, 'ftyp') && /^hei[cx]$|^mif1$/.test(text(b, 8)) },
  {
    type: 'image/tiff',
    test: (b) => starts(b, [0x49, 0x49, 0x2a, 0x00]) || starts(b, [0x4d, 0x4d, 0x00, 0x2a]),
  },
  { type: 'image/bmp', test: (b) => ascii(b, 0, 'BM') },
];

function starts(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((value, i) => bytes[i] === value);
}

function text(bytes: Uint8Array, offset: number): string {
  return Buffer.from(bytes.subarray(offset, offset + 4)).toString('latin1');
}

function ascii(bytes: Uint8Array, offset: number, expected: string): boolean {
  return (
    Buffer.from(bytes.subarray(offset, offset + expected.length)).toString('latin1') === expected
  );
}

/** `image/...` for the formats the service decodes, `application/octet-stream` otherwise. */
export function sniffContentType(bytes: Uint8Array): string {
  return SIGNATURES.find((s) => s.test(bytes))?.type ?? 'application/octet-stream';
}
