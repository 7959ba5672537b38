/**
 * Real images and captions for the inference benchmark, from two Debian packages (nothing is
 * committed): tuxpaint-stamps-default (PNG photos and drawings, each with an English caption in
 * a .txt beside it) and dataset-fashion-mnist (28x28 grey product photos in IDX arrays, encoded
 * to PNG here in memory, as an upload would arrive).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';

const TUXPAINT_DIR = '/usr/share/tuxpaint/stamps';
const FASHION_MNIST = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';
const INSTALL_HINT = 'apt-get install -y tuxpaint-stamps-default dataset-fashion-mnist';

const FASHION_LABELS = [
  't-shirt',
  'trouser',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle boot',
];
const IDX_IMAGES_MAGIC = 0x0803;

interface BenchPhoto {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface BenchCorpus {
  readonly photos: readonly BenchPhoto[];
  /** Text queries: tuxpaint captions plus product phrases. */
  readonly queries: readonly string[];
  /** Median decoded size, to say in the report how heavy decoding was. */
  readonly medianPixels: number;
}

function listPngs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listPngs(full));
    else if (entry.name.endsWith('.png')) out.push(full);
  }
  return out;
}

/** First line of the stamp's .txt is its English caption ("A blackbird."). */
function caption(png: string): string | undefined {
  const txt = png.replace(/\.png$/, '.txt');
  if (!existsSync(txt)) return undefined;
  const first = readFileSync(txt, 'utf8').split('\n')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

/** Decodes `count` images of an IDX3 file into PNG bytes. */
async function fashionPngs(count: number): Promise<BenchPhoto[]> {
  const idx = gunzipSync(readFileSync(FASHION_MNIST));
  if (idx.readUInt32BE(0) !== IDX_IMAGES_MAGIC)
    throw new Error(`${FASHION_MNIST}: not an IDX3 image file`);
  const [n, rows, cols] = [idx.readUInt32BE(4), idx.readUInt32BE(8), idx.readUInt32BE(12)];
  const size = rows * cols;
  const photos: BenchPhoto[] = [];
  for (let i = 0; i < Math.min(count, n); i++) {
    const pixels = idx.subarray(16 + i * size, 16 + (i + 1) * size);
    const bytes = await sharp(pixels, { raw: { width: cols, height: rows, channels: 1 } })
      .png()
      .toBuffer();
    photos.push({ name: `fashion-mnist/t10k/${i}`, bytes });
  }
  return photos;
}

async function medianPixels(photos: readonly BenchPhoto[]): Promise<number> {
  const sizes = await Promise.all(
    photos.map(async (p) => {
      const { width = 0, height = 0 } = await sharp(p.bytes).metadata();
      return width * height;
    }),
  );
  sizes.sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)] ?? 0;
}

/**
 * `count` photos: three quarters tuxpaint stamps (spread over the whole package), one quarter
 * Fashion-MNIST. Throws with the install command when a package is missing.
 */
export async function loadCorpus(count: number): Promise<BenchCorpus> {
  if (!existsSync(TUXPAINT_DIR) || !existsSync(FASHION_MNIST)) {
    throw new Error(`benchmark images missing: run ${INSTALL_HINT}`);
  }
  const pngs = listPngs(TUXPAINT_DIR);
  const stampCount = Math.min(pngs.length, Math.ceil((count * 3) / 4));
  const step = pngs.length / stampCount;
  const picked = Array.from({ length: stampCount }, (_, i) => pngs[Math.floor(i * step)] as string);
  const stamps = picked.map((file) => ({
    name: path.relative(TUXPAINT_DIR, file),
    bytes: readFileSync(file),
  }));
  const photos = [...stamps, ...(await fashionPngs(count - stamps.length))];
  const captions = pngs.map(caption).filter((c): c is string => c !== undefined);
  const products = FASHION_LABELS.map((label) => `a photo of a ${label}`);
  return { photos, queries: [...captions, ...products], medianPixels: await medianPixels(photos) };
}
