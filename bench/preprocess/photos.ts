/**
 * Photos for the preprocessing benchmark: the reference corpus of test/fixtures/preprocess (41
 * small photos of every class, 160 or 224 crops) and realistic JPEG photos made in memory from
 * the real photos of Debian's tuxpaint-data (/usr/share/tuxpaint/templates, 1296 x 864):
 * one resized to 1000 x 750 (a catalog photo) and one to 3000 x 4000 portrait with sensor-like
 * grain (a 12-megapixel phone photo; the grain keeps the JPEG as costly to decode as a real one).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const TEMPLATES = '/usr/share/tuxpaint/templates';
const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'preprocess');

export interface BenchPhoto {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The crop size the reference corpus uses for it (224 for realistic photos). */
  readonly size: number;
}

export function fixtureCorpus(): BenchPhoto[] {
  const index = JSON.parse(readFileSync(path.join(FIXTURES, 'index.json'), 'utf8')) as {
    images: { class: string; input: string; size: number }[];
  };
  return index.images.map((c) => ({
    name: c.class,
    bytes: readFileSync(path.join(FIXTURES, c.input)),
    size: c.size,
  }));
}

/** Deterministic grain: what a phone sensor leaves and what makes a JPEG costly to decode. */
function addGrain(rgb: Buffer, sigma: number): void {
  let s = 12345;
  for (let i = 0; i < rgb.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const g = (((s >>> 8) & 255) + ((s >>> 16) & 255) - 255) / 128; // triangular, -2..2
    rgb[i] = Math.max(0, Math.min(255, (rgb[i] as number) + Math.round(g * sigma)));
  }
}

async function jpeg(source: Buffer, width: number, height: number, grain: number) {
  const { data } = await sharp(source)
    .rotate(width < height ? 90 : 0)
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (grain > 0) addGrain(data, grain);
  return sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export async function realisticPhotos(): Promise<BenchPhoto[]> {
  const rocks = path.join(TEMPLATES, 'rocks.jpg');
  const sheep = path.join(TEMPLATES, 'sheep.jpg');
  if (!existsSync(rocks) || !existsSync(sheep)) {
    throw new Error(`${TEMPLATES} not found: apt-get install -y tuxpaint-data`);
  }
  return [
    { name: 'jpeg 1296x864 (original)', bytes: readFileSync(sheep), size: 224 },
    { name: 'jpeg 1000x750', bytes: await jpeg(readFileSync(rocks), 1000, 750, 2), size: 224 },
    { name: 'jpeg 3000x4000', bytes: await jpeg(readFileSync(sheep), 3000, 4000, 4), size: 224 },
  ];
}
