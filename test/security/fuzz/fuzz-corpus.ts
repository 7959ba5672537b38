/**
 * A seeded generator of hostile uploads (issue 10, "fuzz corpus"): truncations, bit flips,
 * PNG chunk-length corruption, wrong magic, pixel floods, huge SVGs, SVGs with external
 * references and decompression bombs, derived from a few valid photos. The same seed gives the
 * same cases, so a failure can be replayed by its seed and index.
 */
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

export interface FuzzCase {
  readonly kind: string;
  readonly bytes: Buffer;
}

/** mulberry32: small, fast and good enough to pick mutations. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

/**
 * A valid 1-bit greyscale PNG of width x height, all zeros: a few KB on the wire that inflate to
 * width*height/8 bytes, and width*height pixels for a decoder.
 */
function bombPng(width: number, height: number, rows = height): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((Math.ceil(width / 8) + 1) * rows);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function svg(body: string, size = 4000): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${size}" height="${size}">${body}</svg>`,
  );
}

/** Valid photos the mutations start from. */
export async function seedPhotos(): Promise<Buffer[]> {
  const base = sharp({ create: { width: 96, height: 64, channels: 3, background: '#c33' } });
  return Promise.all([
    base.clone().jpeg().toBuffer(),
    base.clone().png().toBuffer(),
    base.clone().webp().toBuffer(),
    base.clone().gif().toBuffer(),
    base.clone().tiff().toBuffer(),
    base.clone().avif({ effort: 0 }).toBuffer(),
  ]);
}

type Mutation = (seed: Buffer, next: () => number) => FuzzCase;

const pick = <T>(items: readonly T[], next: () => number): T =>
  items[Math.floor(next() * items.length)] as T;

const MUTATIONS: readonly Mutation[] = [
  (seed, next) => ({
    kind: 'truncation',
    bytes: seed.subarray(0, Math.floor(next() * seed.length)),
  }),
  (seed, next) => {
    const bytes = Buffer.from(seed);
    const flips = 1 + Math.floor(next() * 16);
    for (let i = 0; i < flips; i += 1) {
      const at = Math.floor(next() * bytes.length);
      bytes[at] = bytes[at]! ^ (1 << Math.floor(next() * 8));
    }
    return { kind: 'bit-flips', bytes };
  },
  (_seed, next) => {
    // A PNG whose IHDR or IDAT length field lies (CRCs left as they were).
    const png = bombPng(64, 64);
    const bytes = Buffer.from(png);
    const at = next() < 0.5 ? 8 : 33;
    bytes.writeUInt32BE(Math.floor(next() * 0xffffffff), at);
    return { kind: 'chunk-length', bytes };
  },
  (seed, next) => {
    const bytes = Buffer.from(seed);
    const magic = pick(
      ['GIF8', 'RIFF', '\u0089PNG', 'II*\u0000', '<svg', '%PDF', 'BM\u0000\u0000'],
      next,
    );
    bytes.write(magic, 0, 'latin1');
    return { kind: 'wrong-magic', bytes };
  },
  (_seed, next) => ({
    kind: 'pixel-flood',
    bytes: bombPng(60_000 + Math.floor(next() * 40_000), 60_000, 1),
  }),
  (_seed, next) => ({
    kind: 'huge-svg',
    bytes: svg(
      '<rect width="4000" height="4000" fill="red"/>'.repeat(2000 + Math.floor(next() * 20_000)),
    ),
  }),
  (_seed, next) => ({
    kind: 'svg-external-ref',
    bytes: svg(
      pick(
        [
          '<image xlink:href="http://127.0.0.1:9/x.png" width="10" height="10"/>',
          '<image href="file:///etc/passwd" width="10" height="10"/>',
          '<use href="http://169.254.169.254/latest/meta-data#x"/>',
          '<style>@import url(http://127.0.0.1:9/x.css);</style>',
        ],
        next,
      ),
    ),
  }),
  (_seed, next) => ({
    kind: 'decompression-bomb',
    bytes: bombPng(8000 + Math.floor(next() * 4000), 8000 + Math.floor(next() * 4000)),
  }),
];

/** `count` cases from `seed`, cycling through every kind of mutation. */
export function* fuzzCases(
  photos: readonly Buffer[],
  seed: number,
  count: number,
): Generator<FuzzCase> {
  const next = random(seed);
  for (let i = 0; i < count; i += 1) {
    const mutate = MUTATIONS[i % MUTATIONS.length]!;
    yield mutate(pick(photos, next), next);
  }
}
