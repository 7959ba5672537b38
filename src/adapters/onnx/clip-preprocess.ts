/**
 * CLIP image preprocessing driven by the model's preprocess_cfg.json, matching the PIL +
 * torchvision pipeline OpenCLIP models were trained with:
 * decode -> EXIF-orient -> RGB -> resize (shortest side to `size`, or squash) -> centre crop
 * -> scale to [0,1] -> (x - mean) / std -> CHW float32.
 *
 * Which reference, and why (test/integration/adapters/onnx/clip-preprocess-reference.test.ts
 * measures every class against PIL, fixtures from scripts/reference/clip-preprocess-corpus.py):
 * - RGB conversion comes first, as PIL's `convert('RGB')` does it, then the resize (Immich's
 *   order). Alpha is dropped, not flattened: transparent pixels keep their stored colour,
 *   palette transparency keeps the palette colour. OpenCLIP's own transform converts after the
 *   resize (premultiplied RGBA, NEAREST for palette images); we do not follow that, since
 *   LAION-trained models saw only RGB JPEGs (img2dataset converted every image first).
 * - Embedded ICC profiles are ignored, as PIL ignores them: training pixels were the stored
 *   values, not colour-managed ones. CMYK becomes RGB by PIL's plain formula
 *   (R = (255 - K) - C * (255 - K) / 255), not through a CMYK profile.
 * - EXIF orientation is applied (PIL and Immich do not): shoppers and catalog teams see the
 *   rotated photo, and CLIP features are orientation-sensitive.
 * - Resizing with PIL's filters (bicubic, bilinear) is done by clip-resample.ts, a port of
 *   PIL's resampler in WebAssembly SIMD, for enlargements and reductions alike: libvips samples
 *   an enlargement half an output pixel off and reduces by a box shrink then a short cubic
 *   (up to 13/255 off at sharp edges). Only the crop is computed, and a plain photo is decoded
 *   only as far as the crop reads it (the rows and columns outside the filter's reach are cut
 *   by libvips before they are copied out). Other filters stay in libvips.
 * - Photos with alpha, 16 bits or an unusual colour space are decoded to 8-bit RGB in full
 *   first, like PIL's convert('RGB'). JPEG shrink-on-load is not used with PIL's filters: it
 *   decodes at 1/2, 1/4 or 1/8 scale in the DCT domain and drifts from PIL, which decodes at
 *   full size (libvips' path for the other filters still uses it, as sharp does). So a
 *   large JPEG costs its full decode: a 12-megapixel photo ~100 ms of CPU in all, where the
 *   libvips reduction, decoding at a quarter of the size, took ~40 ms (bench/README.md,
 *   "Preprocessing"); photos up to ~1.3 megapixels cost the same as before or less.
 * - Output sizes and crop offsets follow torchvision (long side truncated, crop offset rounded
 *   half to even). Bicubic and bilinear are PIL's arithmetic; a config asking for lanczos or
 *   nearest gets libvips' 'lanczos3' or 'nearest', close to PIL's but not its arithmetic.
 */
import sharp from 'sharp';
import type { KernelEnum, Metadata } from 'sharp';
import type { DecodedImage } from './clip-decode';
import {
  checkRgb,
  decodeBox,
  decodeRgb,
  guarded,
  inspect,
  isPlainRgb,
  sharpOptions,
} from './clip-decode';
import type { Interpolation, PreprocessConfig } from './model-config';
import { pilResizeCrop, PIL_FILTERS, sourceBox } from './clip-resample';
import type { PilFilter, ResampleWindow } from './clip-resample';

const KERNELS: Record<Interpolation, keyof KernelEnum> = {
  bicubic: 'cubic',
  bilinear: 'linear',
  nearest: 'nearest',
  lanczos: 'lanczos3',
};

export interface PreprocessedImage {
  /** CHW float32, 3 x size x size. */
  readonly tensor: Float32Array;
  readonly width: number;
  readonly height: number;
  readonly format: string;
}

export interface ResizePlan {
  readonly resizeWidth: number;
  readonly resizeHeight: number;
  readonly left: number;
  readonly top: number;
}

/** Python's round(): half to even, as torchvision's CenterCrop uses it. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Where torchvision's Resize(size) + CenterCrop(size) (or a squash) put the pixels. */
export function planResize(
  width: number,
  height: number,
  size: number,
  mode: 'shortest' | 'squash',
): ResizePlan {
  if (mode === 'squash') return { resizeWidth: size, resizeHeight: size, left: 0, top: 0 };
  const portrait = width <= height;
  const long = Math.trunc((size * (portrait ? height : width)) / (portrait ? width : height));
  const resizeWidth = portrait ? size : long;
  const resizeHeight = portrait ? long : size;
  return {
    resizeWidth,
    resizeHeight,
    left: roundHalfEven((resizeWidth - size) / 2),
    top: roundHalfEven((resizeHeight - size) / 2),
  };
}

/** Decode, orient, resize, crop and convert to 8-bit RGB in one sharp pipeline (libvips). */
async function resizeInOnePass(
  bytes: Uint8Array,
  meta: Metadata,
  cfg: PreprocessConfig,
  maxInputPixels: number,
): Promise<Buffer> {
  const { width, height } = meta.autoOrient;
  const plan = planResize(width, height, cfg.size, cfg.resizeMode);
  return guarded(maxInputPixels, async () => {
    const { data, info } = await sharp(bytes, sharpOptions(maxInputPixels))
      .resize(plan.resizeWidth, plan.resizeHeight, {
        fit: 'fill',
        kernel: KERNELS[cfg.interpolation],
        fastShrinkOnLoad: false,
      })
      .extract({ left: plan.left, top: plan.top, width: cfg.size, height: cfg.size })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    checkRgb(info.channels);
    return data;
  });
}

/** The filter when PIL's resampler (clip-resample.ts) does the resize, else undefined. */
function pilFilter(cfg: PreprocessConfig): PilFilter | undefined {
  return cfg.interpolation in PIL_FILTERS ? (cfg.interpolation as PilFilter) : undefined;
}

function resampleWindow(plan: ResizePlan, size: number): ResampleWindow {
  return {
    width: plan.resizeWidth,
    height: plan.resizeHeight,
    left: plan.left,
    top: plan.top,
    cropWidth: size,
    cropHeight: size,
  };
}

function asBuffer(out: Uint8Array): Buffer {
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Resizes and crops decoded RGB to size x size, still 8-bit packed RGB. */
export async function resizeAndCrop(image: DecodedImage, cfg: PreprocessConfig): Promise<Buffer> {
  const plan = planResize(image.width, image.height, cfg.size, cfg.resizeMode);
  const filter = pilFilter(cfg);
  if (filter !== undefined) {
    const win = resampleWindow(plan, cfg.size);
    return asBuffer(await pilResizeCrop(image.rgb, image.width, image.height, win, filter));
  }
  const raw = { width: image.width, height: image.height, channels: 3 as const };
  return sharp(image.rgb, { raw })
    .resize(plan.resizeWidth, plan.resizeHeight, {
      fit: 'fill',
      kernel: KERNELS[cfg.interpolation],
    })
    .extract({ left: plan.left, top: plan.top, width: cfg.size, height: cfg.size })
    .raw()
    .toBuffer();
}

/** A plain photo through PIL's resampler: decode only the part the crop reads, then resample. */
async function resampleBox(
  bytes: Uint8Array,
  meta: Metadata,
  cfg: PreprocessConfig,
  filter: PilFilter,
  maxInputPixels: number,
): Promise<Buffer> {
  const { width, height } = meta.autoOrient;
  const win = resampleWindow(planResize(width, height, cfg.size, cfg.resizeMode), cfg.size);
  const box = sourceBox(width, height, win, filter);
  const rgb = await decodeBox(bytes, meta, box, maxInputPixels);
  return asBuffer(await pilResizeCrop(rgb, width, height, win, filter, box));
}

const channelTables = new Map<string, Float32Array>();

/**
 * (v / 255 - mean) / std for every 8-bit value v of one channel, as float32: built once per
 * (mean, std), as every photo of a model uses the same three (rgbToChw ran once per photo, and
 * on the ONNX Runtime thread once per row of every batch, each time building them anew).
 */
function channelTable(mean: number, std: number): Float32Array {
  const key = `${mean} ${std}`;
  let table = channelTables.get(key);
  if (table === undefined) {
    table = Float32Array.from({ length: 256 }, (_, v) => (v / 255 - mean) / std);
    channelTables.set(key, table);
  }
  return table;
}

/**
 * Packed RGB uint8 -> normalised CHW float32, written into `out` at `offset` (so a batch is
 * filled in place without copies). A 256-entry table per channel replaces the arithmetic.
 */
export function rgbToChw(
  rgb: Uint8Array,
  size: number,
  cfg: Pick<PreprocessConfig, 'mean' | 'std'>,
  out = new Float32Array(3 * size * size),
  offset = 0,
): Float32Array {
  const plane = size * size;
  if (rgb.length !== plane * 3)
    throw new TypeError(`rgbToChw: expected ${plane * 3} bytes, got ${rgb.length}`);
  // One pass over the pixels (each byte read once, in order) writing the three planes.
  const red = channelTable(cfg.mean[0] as number, cfg.std[0] as number);
  const green = channelTable(cfg.mean[1] as number, cfg.std[1] as number);
  const blue = channelTable(cfg.mean[2] as number, cfg.std[2] as number);
  const g = offset + plane;
  const b = offset + 2 * plane;
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    out[offset + i] = red[rgb[j] as number] as number;
    out[g + i] = green[rgb[j + 1] as number] as number;
    out[b + i] = blue[rgb[j + 2] as number] as number;
  }
  return out;
}

/** Decode, orient, resize and crop one photo: size x size packed 8-bit RGB. */
export async function preprocessPixels(
  bytes: Uint8Array,
  cfg: PreprocessConfig,
  maxInputPixels: number,
): Promise<DecodedImage> {
  const meta = await inspect(bytes, maxInputPixels);
  const { width, height } = meta.autoOrient;
  const filter = pilFilter(cfg);
  let rgb: Buffer;
  if (!isPlainRgb(meta)) {
    rgb = await resizeAndCrop(await decodeRgb(bytes, meta, maxInputPixels), cfg);
  } else if (filter !== undefined) {
    rgb = await resampleBox(bytes, meta, cfg, filter, maxInputPixels);
  } else {
    rgb = await resizeInOnePass(bytes, meta, cfg, maxInputPixels);
  }
  return { rgb, width, height, format: meta.format };
}

/** The whole pipeline for one photo: pixels, then the normalised CHW tensor. */
export async function preprocessImage(
  bytes: Uint8Array,
  cfg: PreprocessConfig,
  maxInputPixels: number,
): Promise<PreprocessedImage> {
  const { rgb, width, height, format } = await preprocessPixels(bytes, cfg, maxInputPixels);
  return { tensor: rgbToChw(rgb, cfg.size, cfg), width, height, format };
}
