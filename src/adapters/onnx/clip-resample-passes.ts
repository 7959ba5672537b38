/**
 * The two passes of PIL's resampler over the WebAssembly kernel (clip-resample-wasm.ts), in
 * PIL's order, in slices: a 12-megapixel photo takes ~25 ms of the event loop, so a resample
 * lets other work run every few milliseconds, and resamples take turns (they share the
 * kernel's memory).
 */
import type { AxisTaps, KernelExports, PixelRows, PlacedTaps } from './clip-resample-wasm';
import {
  copyRows,
  instance,
  Layout,
  placePairs,
  placeTaps,
  runHorizontal,
  writePairs,
  writeTaps,
} from './clip-resample-wasm';

/** Bytes of source rows copied into the kernel's memory at a time (fits in L2 with the rest). */
const BAND_BYTES = 256 * 1024;
/** Bytes of rows one kernel call computes before the call may pause (well under a millisecond). */
const SLICE_BYTES = 64 * 1024;
/** Longest stretch a resample holds the event loop before it lets other work run. */
const SLICE_MS = 4;

/** Yields to the event loop once a call has held it for SLICE_MS, so requests keep flowing. */
class Pacer {
  private last = performance.now();
  async pause(): Promise<void> {
    if (performance.now() - this.last < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}

let queue: Promise<unknown> = Promise.resolve();

/** One resample at a time: they share the kernel's memory, and each pauses midway. */
function exclusive<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/** The vertical pass for output rows [from, to), taps and rows offset to start at `from`. */
function runVertical(
  k: KernelExports,
  v: PlacedTaps,
  src: number,
  stride: number,
  out: number,
  from: number,
  to: number,
): void {
  k.vertical(
    src,
    stride,
    out + from * stride,
    to - from,
    v.first + from * 4,
    v.count + from * 4,
    v.weights + from * v.kernelSize * 4,
    v.kernelSize,
  );
}

async function verticalInSlices(
  k: KernelExports,
  v: PlacedTaps,
  src: number,
  stride: number,
  out: number,
  rows: number,
  pacer: Pacer,
): Promise<void> {
  const slice = Math.max(1, Math.floor(SLICE_BYTES / stride));
  for (let from = 0; from < rows; from += slice) {
    runVertical(k, v, src, stride, out, from, Math.min(rows, from + slice));
    await pacer.pause();
  }
}

/**
 * The crop of PIL's resize: `horizontal` taps (or none: the columns are taken as they are) map
 * src's width to cropWidth, `vertical` taps (or none) map src's rows to cropHeight, in the
 * order PIL runs them (each pass rounds to 8 bits, so the order shows in the last bit).
 * Without vertical taps src.rows must equal cropHeight; without horizontal, src.width cropWidth.
 * Runs on the event loop in slices of a few milliseconds (a 12-megapixel photo takes ~25 ms).
 */
export function resampleRows(
  src: PixelRows,
  horizontal: AxisTaps | undefined,
  vertical: AxisTaps | undefined,
  cropWidth: number,
  cropHeight: number,
  verticalFirst: boolean,
): Promise<Uint8Array> {
  if (horizontal !== undefined && vertical !== undefined && verticalFirst) {
    return exclusive(() =>
      verticalThenHorizontal(src, horizontal, vertical, cropWidth, cropHeight),
    );
  }
  return exclusive(() => horizontalThenVertical(src, horizontal, vertical, cropWidth, cropHeight));
}

async function horizontalThenVertical(
  src: PixelRows,
  horizontal: AxisTaps | undefined,
  vertical: AxisTaps | undefined,
  cropWidth: number,
  cropHeight: number,
): Promise<Uint8Array> {
  const k = instance();
  const pacer = new Pacer();
  const layout = new Layout();
  const h = horizontal === undefined ? undefined : placePairs(layout, horizontal);
  const v = vertical === undefined ? undefined : placeTaps(layout, vertical);
  const srcRowBytes = src.width * 3;
  const outRowBytes = cropWidth * 3;
  const bandRows = Math.max(1, Math.min(src.rows, Math.floor(BAND_BYTES / srcRowBytes)));
  const band = h === undefined ? 0 : layout.take(bandRows * srcRowBytes);
  const temp = layout.take(src.rows * outRowBytes);
  const out = v === undefined ? temp : layout.take(cropHeight * outRowBytes);
  const heap = layout.commit(k);
  if (h !== undefined) writePairs(heap, h);
  if (v !== undefined) writeTaps(heap, v);
  if (h === undefined) {
    copyRows(heap, temp, src, 0, src.rows);
  } else {
    for (let row = 0; row < src.rows; row += bandRows) {
      const rows = Math.min(bandRows, src.rows - row);
      copyRows(heap, band, src, row, rows);
      runHorizontal(k, h, band, srcRowBytes, rows, temp + row * outRowBytes, cropWidth);
      await pacer.pause();
    }
  }
  if (v !== undefined) await verticalInSlices(k, v, temp, outRowBytes, out, cropHeight, pacer);
  return new Uint8Array(k.memory.buffer, out, cropHeight * outRowBytes).slice();
}

/**
 * Pillow 13 runs the vertical pass first when the height shrinks by more than twice as many
 * pixels as the width (very tall photos). All source rows the crop reads sit in memory at once.
 */
async function verticalThenHorizontal(
  src: PixelRows,
  horizontal: AxisTaps,
  vertical: AxisTaps,
  cropWidth: number,
  cropHeight: number,
): Promise<Uint8Array> {
  const k = instance();
  const pacer = new Pacer();
  const layout = new Layout();
  const h = placePairs(layout, horizontal);
  const v = placeTaps(layout, vertical);
  const srcRowBytes = src.width * 3;
  const outRowBytes = cropWidth * 3;
  const whole = layout.take(src.rows * srcRowBytes);
  const temp = layout.take(cropHeight * srcRowBytes);
  const out = layout.take(cropHeight * outRowBytes);
  const heap = layout.commit(k);
  writePairs(heap, h);
  writeTaps(heap, v);
  copyRows(heap, whole, src, 0, src.rows);
  await verticalInSlices(k, v, whole, srcRowBytes, temp, cropHeight, pacer);
  const slice = Math.max(1, Math.floor(SLICE_BYTES / srcRowBytes));
  for (let row = 0; row < cropHeight; row += slice) {
    const rows = Math.min(slice, cropHeight - row);
    runHorizontal(
      k,
      h,
      temp + row * srcRowBytes,
      srcRowBytes,
      rows,
      out + row * outRowBytes,
      cropWidth,
    );
    await pacer.pause();
  }
  return new Uint8Array(k.memory.buffer, out, cropHeight * outRowBytes).slice();
}
