/**
 * Test access to the toy "colour CLIP" model (generated once per jest run by
 * test/global-setup.ts into <repo>/.cache/toy-model) and to photos it understands.
 *
 *   const embedder = await loadToyEmbedder();
 *   const red = await colourPhoto('red', { noise: 30 });
 *   const [{ vector }] = await embedder.embedImages([red]);   // nearest text: "red"
 */
import path from 'node:path';
import sharp from 'sharp';
import type { OnnxEmbedderOptions } from '../../src/adapters/onnx/onnx-embedder';
import { OnnxEmbedder } from '../../src/adapters/onnx/onnx-embedder';
import { seededRandom } from '../../scripts/lib/seeded-random';
import { TOY_COLOURS } from '../../scripts/toy-model';

export { TOY_COLOURS, TOY_EMBED_DIM } from '../../scripts/toy-model';

/** Folder of the generated toy model (exists once jest's global setup has run). */
export function toyModelDir(): string {
  return path.resolve(__dirname, '..', '..', '.cache', 'toy-model');
}

/** An OnnxEmbedder over the toy model; call close() in afterAll. */
export function loadToyEmbedder(
  overrides: Partial<OnnxEmbedderOptions> = {},
): Promise<OnnxEmbedder> {
  return OnnxEmbedder.load({
    modelDir: toyModelDir(),
    maxInputPixels: 4096 * 4096,
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    allowSpinning: false,
    ...overrides,
  });
}

export type Rgb = readonly [number, number, number];

function toyColour(name: string): Rgb {
  const colour = TOY_COLOURS.find((c) => c.name === name);
  if (colour === undefined)
    throw new TypeError(`toyColour: unknown colour ${JSON.stringify(name)}`);
  return colour.rgb;
}

export interface ColourPhotoOptions {
  width?: number;
  height?: number;
  format?: 'png' | 'jpeg' | 'webp';
  /** Uniform per-channel noise amplitude in 0..255 levels (deterministic for a given seed). */
  noise?: number;
  seed?: number;
  /** Rectangles of other colours painted over the background, in pixels. */
  patches?: ReadonlyArray<{
    colour: string | Rgb;
    x: number;
    y: number;
    width: number;
    height: number;
  }>;
}

// "Noisy" photos come from a seeded PRNG so they are the same bytes on every run.
const prng = seededRandom;

/** A real encoded photo of a colour (by toy colour name or RGB), optionally noisy and patched. */
export async function colourPhoto(
  colour: string | Rgb,
  options: ColourPhotoOptions = {},
): Promise<Buffer> {
  const { width = 96, height = 64, format = 'png', noise = 0, seed = 1, patches = [] } = options;
  const rgb = new Uint8Array(width * height * 3);
  const background = typeof colour === 'string' ? toyColour(colour) : colour;
  for (let i = 0; i < width * height; i++) rgb.set(background, i * 3);
  for (const p of patches) {
    const c = typeof p.colour === 'string' ? toyColour(p.colour) : p.colour;
    for (let y = p.y; y < Math.min(height, p.y + p.height); y++) {
      for (let x = p.x; x < Math.min(width, p.x + p.width); x++) rgb.set(c, (y * width + x) * 3);
    }
  }
  if (noise > 0) {
    const random = prng(seed);
    for (let i = 0; i < rgb.length; i++) {
      rgb[i] = Math.max(
        0,
        Math.min(255, Math.round((rgb[i] as number) + (random() * 2 - 1) * noise)),
      );
    }
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .toFormat(format)
    .toBuffer();
}
