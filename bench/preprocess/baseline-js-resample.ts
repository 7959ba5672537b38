/**
 * PIL's resampler in plain JavaScript as src/adapters/onnx/clip-resample.ts had it before the
 * WebAssembly kernel (commit 2c088b1): the benchmark's baseline for enlargements only.
 */

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
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

/** Fixed-point weights for one axis: for output i, taps start at first[i], count[i] long. */
interface Coefficients {
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly kernelSize: number;
  readonly weights: Int32Array;
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
  return { first, count, kernelSize, weights };
}

/** clip8: the accumulated sum shifted back to 8 bits (arithmetic shift = floor), clamped. */
function clip8(sum: number): number {
  const v = Math.floor(sum / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
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

/** Horizontal pass over input rows [rowFrom, rowTo): 8-bit output, crop columns only. */
function horizontal(
  rgb: Uint8Array,
  inWidth: number,
  rowFrom: number,
  rowTo: number,
  c: Coefficients,
  outWidth: number,
): Uint8Array {
  const out = new Uint8Array((rowTo - rowFrom) * outWidth * 3);
  for (let y = rowFrom; y < rowTo; y++) {
    const rowIn = y * inWidth * 3;
    const rowOut = (y - rowFrom) * outWidth * 3;
    for (let x = 0; x < outWidth; x++) {
      const k = x * c.kernelSize;
      const start = rowIn + (c.first[x] as number) * 3;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let t = 0, n = c.count[x] as number; t < n; t++) {
        const w = c.weights[k + t] as number;
        const p = start + t * 3;
        r += (rgb[p] as number) * w;
        g += (rgb[p + 1] as number) * w;
        b += (rgb[p + 2] as number) * w;
      }
      out[rowOut + x * 3] = clip8(r);
      out[rowOut + x * 3 + 1] = clip8(g);
      out[rowOut + x * 3 + 2] = clip8(b);
    }
  }
  return out;
}

/** Vertical pass; `rowOffset` is the first input row `rgb` holds. */
function vertical(
  rgb: Uint8Array,
  width: number,
  rowOffset: number,
  c: Coefficients,
  outHeight: number,
): Uint8Array {
  const out = new Uint8Array(outHeight * width * 3);
  const stride = width * 3;
  for (let y = 0; y < outHeight; y++) {
    const k = y * c.kernelSize;
    const start = ((c.first[y] as number) - rowOffset) * stride;
    for (let i = 0; i < stride; i++) {
      let sum = HALF;
      for (let t = 0, n = c.count[y] as number; t < n; t++) {
        sum += (rgb[start + t * stride + i] as number) * (c.weights[k + t] as number);
      }
      out[y * stride + i] = clip8(sum);
    }
  }
  return out;
}

/**
 * PIL's `resize((width, height), filter)` of packed 8-bit RGB followed by
 * `crop((left, top, left + cropWidth, top + cropHeight))`, computing only the cropped pixels.
 * Like PIL, an axis whose size does not change is not resampled.
 */
export function pilResizeCrop(
  rgb: Uint8Array,
  inWidth: number,
  inHeight: number,
  win: ResampleWindow,
  filterName: PilFilter,
): Uint8Array {
  const filter = PIL_FILTERS[filterName];
  let pixels = rgb;
  let width = inWidth;
  let rowOffset = 0;
  const needVertical = win.height !== inHeight;
  const vc = coefficients(inHeight, win.height, win.top, win.cropHeight, filter);
  const rowFrom = needVertical ? (vc.first[0] as number) : win.top;
  const last = win.cropHeight - 1;
  const rowTo = needVertical
    ? (vc.first[last] as number) + (vc.count[last] as number)
    : win.top + win.cropHeight;
  if (win.width !== inWidth) {
    const hc = coefficients(inWidth, win.width, win.left, win.cropWidth, filter);
    pixels = horizontal(pixels, inWidth, rowFrom, rowTo, hc, win.cropWidth);
    rowOffset = rowFrom;
  } else {
    pixels = cropColumns(pixels, inWidth, rowFrom, rowTo, win.left, win.cropWidth);
    rowOffset = rowFrom;
  }
  width = win.cropWidth;
  if (needVertical) return vertical(pixels, width, rowOffset, vc, win.cropHeight);
  return pixels;
}

/** Rows [rowFrom, rowTo) and columns [left, left + cropWidth) of packed RGB. */
function cropColumns(
  rgb: Uint8Array,
  width: number,
  rowFrom: number,
  rowTo: number,
  left: number,
  cropWidth: number,
): Uint8Array {
  const out = new Uint8Array((rowTo - rowFrom) * cropWidth * 3);
  for (let y = rowFrom; y < rowTo; y++) {
    const start = (y * width + left) * 3;
    out.set(rgb.subarray(start, start + cropWidth * 3), (y - rowFrom) * cropWidth * 3);
  }
  return out;
}
