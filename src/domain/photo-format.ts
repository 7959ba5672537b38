/**
 * The media type of a photo, sniffed from its first bytes (never from a name or a header the
 * sender chose): what the photo store records and serves. Unknown bytes are
 * application/octet-stream; whether they are an image at all is the embedder's call.
 */
const SIGNATURES: ReadonlyArray<{
  readonly type: string;
  readonly test: (b: Uint8Array) => boolean;
}> = [
  { type: 'image/jpeg', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  {
    type: 'image/png',
    test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { type: 'image/gif', test: (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a') },
  { type: 'image/webp', test: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP') },
  {
    type: 'image/avif',
    test: (b) => ascii(b, 4, 'ftyp') && (ascii(b, 8, 'avif') || ascii(b, 8, 'avis')),
  },
  {
    type: 'image/tiff',
    test: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]),
  },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((value, i) => bytes[i] === value);
}

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  return [...text].every((c, i) => bytes[offset + i] === c.charCodeAt(0));
}

export function sniffPhotoContentType(bytes: Uint8Array): string {
  return SIGNATURES.find((signature) => signature.test(bytes))?.type ?? 'application/octet-stream';
}
