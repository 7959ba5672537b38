/**
 * PIL's resampling (Pillow src/libImaging/Resample.c, ImagingResample for 8-bit images),
 * restricted to the output window a centre crop keeps. torchvision's Resize on a PIL image
 * is `img.resize(size, BICUBIC)`, so this is what OpenCLIP's preprocessing computes.
 *
 * Why our own code: libvips samples an enlargement half an output pixel away from PIL
 * (`x / s - 0.5` instead of `(x + 0.5) / s - 0.5`), which moves small photos by up to 125/255,
 * and reduces by a box shrink then a short cubic, off by up to 13/255 at sharp edges.
 * Here every step is PIL's: output pixel x reads input centre `(x + 0.5) * scale`, the filter
 * support grows with the reduction factor (antialiasing), weights are clipped to the image
 * and renormalised (no edge extension), quantised to 22-bit fixed point, one pass's result is
 * rounded to 8 bits before the other pass, in Pillow 13's order (verticalFirst). The passes run
 * in WebAssembly SIMD (clip-resample-passes.ts, clip-resample-wasm.ts) on exactly these
 * integers.
 *
 * Only what the crop keeps is computed: the horizontal pass runs over the source rows the
 * vertical pass reads and yields only the crop's columns; `sourceBox` says which part of the
 * photo that is, so the decoder need not hand over the rest.
 */
import { resampleRows } from './clip-resample-passes';
import type { AxisTaps, PixelRows } from './clip-resample-wasm';

/** A filter as PIL defines it: its support (in input pixels at scale 1) and its function. */
interface Filter {
  readonly support: number;
  readonly weight: (x: number) => number;
}

/** PIL's bicubic_filter: Catmull-Rom, a = -0.5. */
const BICUBIC: Filter = {
  support: 2,
  weight(x) {
    const a = -0.5;
    const t = Math.abs(x);
    if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
    if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
    return 0;
  },
};

const BILINEAR: Filter = { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) };

export const PIL_FILTERS = { bicubic: BICUBIC, bilinear: BILINEAR } as const;
export type PilFilter = keyof typeof PIL_FILTERS;

const PRECISION_BITS = 32 - 8 - 2;
/** The kernel starts every sum at ONE / 2 and shifts by PRECISION_BITS (clip-resample.wat). */
const ONE = 2 ** PRECISION_BITS;

/**
 * Fixed-point weights for one axis: output i reads count[i] pixels from origin + first[i]
 * (first[] counts from origin, the first pixel any output reads; span pixels are read in all).
 */
interface Coefficients extends AxisTaps {
  readonly origin: number;
  readonly span: number;
}

/** PIL's precompute_coeffs + normalize_coeffs_8bpc for outputs [from, from + n). */
function coefficients(
  inSize: number,
  outSize: number,
  from: number,
  n: number,
  filter: Filter,
): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const invScale = 1 / filterScale; // PIL multiplies by 1 / filterscale: same rounding
  const kernelSize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(n);
  const count = new Int32Array(n);
  const weights = new Int32Array(n * kernelSize);
  const pre = new Float64Array(kernelSize);
  for (let i = 0; i < n; i++) {
    const center = (from + i + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      pre[x] = filter.weight((x + xmin - center + 0.5) * invScale);
      total += pre[x] as number;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? (pre[x] as number) / total : (pre[x] as number);
      // C's (int)(0.5 + w * ONE) / (int)(-0.5 + w * ONE): rounds half away from zero.
      weights[i * kernelSize + x] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    first[i] = xmin;
    count[i] = xmax;
  }
  const origin = first[0] as number;
  const span = (first[n - 1] as number) + (count[n - 1] as number) - origin;
  for (let i = 0; i < n; i++) first[i] = (first[i] as number) - origin;
  return { first, count, kernelSize, weights, origin, span };
}

/**
 * Catalog photos share a few sizes: their tables are computed once. An entry is up to ~250 KB
 * with its pair table (a 12-megapixel photo: 224 outputs x 55 taps), so few are kept.
 */
const CACHE_ENTRIES = 16;
const cache = new Map<string, Coefficients>();

function cachedCoefficients(
  inSize: number,
  outSize: number,
  from: number,
  n: number,
  filterName: PilFilter,
): Coefficients {
  const key = `${filterName} ${inSize} ${outSize} ${from} ${n}`;
  let c = cache.get(key);
  if (c === undefined) {
    c = coefficients(inSize, outSize, from, n, PIL_FILTERS[filterName]);
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, c);
  }
  return c;
}

export interface ResampleWindow {
  /** Full resized size (what PIL's resize is asked for). */
  readonly width: number;
  readonly height: number;
  /** The part of it to compute (the centre crop). */
  readonly left: number;
  readonly top: number;
  readonly cropWidth: number;
  readonly cropHeight: number;
}

/** A rectangle of the source photo, in pixels. */
export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The taps of both axes, or undefined for an axis PIL leaves alone (its size does not change:
 * then the crop's pixels are taken as they are).
 */
function axes(inWidth: number, inHeight: number, win: ResampleWindow, filter: PilFilter) {
  const h =
    win.width === inWidth
      ? undefined
      : cachedCoefficients(inWidth, win.width, win.left, win.cropWidth, filter);
  const v =
    win.height === inHeight
      ? undefined
      : cachedCoefficients(inHeight, win.height, win.top, win.cropHeight, filter);
  return { h, v };
}

/**
 * Pillow 13's order of the passes (ImagingResampleInner): vertical first when the height
 * shrinks by more than twice as many pixels as the width, else horizontal first (the only
 * order of Pillow 12 and earlier). Each pass rounds to 8 bits, so the order shows in the last
 * bit, and at sharp edges in a few levels; the reference fixtures are made with Pillow 13.
 */
function verticalFirst(inWidth: number, inHeight: number, win: ResampleWindow): boolean {
  const shrinkY = inHeight - win.height;
  return shrinkY > 0 && shrinkY > (inWidth - win.width) * 2;
}

/** The part of an inWidth x inHeight photo that the resized crop `win` is computed from. */
export function sourceBox(
  inWidth: number,
  inHeight: number,
  win: ResampleWindow,
  filter: PilFilter,
): Box {
  const { h, v } = axes(inWidth, inHeight, win, filter);
  return {
    left: h === undefined ? win.left : h.origin,
    top: v === undefined ? win.top : v.origin,
    width: h === undefined ? win.cropWidth : h.span,
    height: v === undefined ? win.cropHeight : v.span,
  };
}

/**
 * PIL's `resize((width, height), filter)` of an inWidth x inHeight photo followed by
 * `crop((left, top, left + cropWidth, top + cropHeight))`, computing only the cropped pixels.
 * `rgb` holds packed 8-bit RGB of the part `box` of the photo (by default all of it); it must
 * cover sourceBox(...). Like PIL, an axis whose size does not change is not resampled.
 * Asynchronous only to let the event loop run between slices of the work (see resampleRows).
 */
export async function pilResizeCrop(
  rgb: Uint8Array,
  inWidth: number,
  inHeight: number,
  win: ResampleWindow,
  filterName: PilFilter,
  box: Box = { left: 0, top: 0, width: inWidth, height: inHeight },
): Promise<Uint8Array> {
  const need = sourceBox(inWidth, inHeight, win, filterName);
  const inside =
    need.left >= box.left &&
    need.top >= box.top &&
    need.left + need.width <= box.left + box.width &&
    need.top + need.height <= box.top + box.height;
  if (!inside || rgb.length !== box.width * box.height * 3) {
    throw new RangeError(
      `pilResizeCrop: pixels of ${JSON.stringify(box)} (${rgb.length} bytes) do not cover ${JSON.stringify(need)}`,
    );
  }
  const { h, v } = axes(inWidth, inHeight, win, filterName);
  const stride = box.width * 3;
  const rows: PixelRows = {
    rgb,
    offset: (need.top - box.top) * stride + (need.left - box.left) * 3,
    stride,
    width: need.width,
    rows: need.height,
  };
  return resampleRows(
    rows,
    h,
    v,
    win.cropWidth,
    win.cropHeight,
    verticalFirst(inWidth, inHeight, win),
  );
}
