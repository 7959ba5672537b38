/**
 * The WebAssembly SIMD kernel of clip-resample.wat (bytes in clip-resample-kernel.ts) and the
 * layout of its memory: over ten times faster than the same integer arithmetic in JavaScript
 * (a 12-megapixel reduction: ~340 ms in JavaScript, ~25 ms here), which cost several times the
 * whole libvips pipeline on a large photo.
 *
 * Memory: the kernel's linear memory holds the coefficient tables, a band of source rows (the
 * source is copied in a band at a time, so a 12-megapixel photo never sits there whole), the
 * horizontal pass's output (source rows x crop width) and the crop. It grows to the largest
 * photo seen (about 2.5 MB for a 3000 x 4000 photo at 224; a very tall photo, resampled
 * vertically first, holds the rows the crop reads: 27 MB for 3000 x 9000) and is reused.
 */
import { RESAMPLE_WASM_BASE64 } from './clip-resample-kernel';

/** One axis's fixed-point taps; first[] counts from the first source pixel the axis reads. */
export interface AxisTaps {
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly kernelSize: number;
  readonly weights: Int32Array;
}

/** Packed 8-bit RGB: `rows` rows of `width` pixels, row r at byte offset + r * stride. */
export interface PixelRows {
  readonly rgb: Uint8Array;
  readonly offset: number;
  readonly stride: number;
  readonly width: number;
  readonly rows: number;
}

export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  horizontalPairs(
    src: number,
    srcStride: number,
    rows: number,
    out: number,
    outWidth: number,
    first: number,
    pairCount: number,
    pairs: number,
    kernelPairs: number,
  ): void;
  vertical(
    src: number,
    stride: number,
    out: number,
    outHeight: number,
    first: number,
    count: number,
    weights: number,
    kernelSize: number,
  ): void;
}

/** Slack after every buffer: the kernel reads and writes up to 15 bytes past the last pixel. */
const SLACK = 16;
const PAGE = 65536;

let kernel: KernelExports | undefined;

export function instance(): KernelExports {
  if (kernel === undefined) {
    const module = new WebAssembly.Module(Buffer.from(RESAMPLE_WASM_BASE64, 'base64'));
    kernel = new WebAssembly.Instance(module).exports as unknown as KernelExports;
  }
  return kernel;
}

/** Hands out 16-byte-aligned regions of the kernel's memory for one call. */
export class Layout {
  private end = 0;
  take(bytes: number): number {
    const at = this.end;
    this.end = Math.ceil((at + bytes + SLACK) / 16) * 16;
    return at;
  }
  /** Grows the memory to hold everything taken; views made before this are stale after it. */
  commit(k: KernelExports): Uint8Array {
    const missing = this.end - k.memory.buffer.byteLength;
    if (missing > 0) k.memory.grow(Math.ceil(missing / PAGE));
    return new Uint8Array(k.memory.buffer);
  }
}

/**
 * The horizontal taps as horizontalPairs reads them: per output pixel, kernelPairs slots of
 * 16 i16 (lo of taps t and t + 1 four times, then hi four times), w = hi * 2^15 + lo.
 */
interface PairTable {
  readonly pairCount: Int32Array;
  readonly kernelPairs: number;
  readonly pairs: Int16Array;
}

const pairTables = new WeakMap<AxisTaps, PairTable>();

function pairTable(taps: AxisTaps): PairTable {
  const cached = pairTables.get(taps);
  if (cached !== undefined) return cached;
  const n = taps.count.length;
  const kernelPairs = Math.ceil(taps.kernelSize / 2);
  const pairCount = new Int32Array(n);
  const pairs = new Int16Array(n * kernelPairs * 16);
  for (let i = 0; i < n; i++) {
    const count = taps.count[i] as number;
    pairCount[i] = Math.ceil(count / 2);
    for (let t = 0; t < count; t++) {
      const w = taps.weights[i * taps.kernelSize + t] as number;
      const slot = (i * kernelPairs + (t >> 1)) * 16 + (t & 1);
      for (let lane = 0; lane < 8; lane += 2) {
        pairs[slot + lane] = w & 0x7fff;
        pairs[slot + 8 + lane] = w >> 15;
      }
    }
  }
  const table = { pairCount, kernelPairs, pairs };
  pairTables.set(taps, table);
  return table;
}

export interface PlacedPairs {
  readonly first: number;
  readonly pairCount: number;
  readonly pairs: number;
  readonly kernelPairs: number;
  readonly source: { readonly first: Int32Array; readonly table: PairTable };
}

export function placePairs(layout: Layout, taps: AxisTaps): PlacedPairs {
  const table = pairTable(taps);
  return {
    first: layout.take(taps.first.byteLength),
    pairCount: layout.take(table.pairCount.byteLength),
    pairs: layout.take(table.pairs.byteLength),
    kernelPairs: table.kernelPairs,
    source: { first: taps.first, table },
  };
}

function bytesOf(a: Int32Array | Int16Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function writePairs(heap: Uint8Array, placed: PlacedPairs): void {
  heap.set(bytesOf(placed.source.first), placed.first);
  heap.set(bytesOf(placed.source.table.pairCount), placed.pairCount);
  heap.set(bytesOf(placed.source.table.pairs), placed.pairs);
}

export function runHorizontal(
  k: KernelExports,
  h: PlacedPairs,
  src: number,
  srcStride: number,
  rows: number,
  out: number,
  outWidth: number,
): void {
  k.horizontalPairs(
    src,
    srcStride,
    rows,
    out,
    outWidth,
    h.first,
    h.pairCount,
    h.pairs,
    h.kernelPairs,
  );
}

export interface PlacedTaps {
  readonly first: number;
  readonly count: number;
  readonly weights: number;
  readonly kernelSize: number;
}

export function placeTaps(
  layout: Layout,
  taps: AxisTaps,
): PlacedTaps & { readonly source: AxisTaps } {
  return {
    first: layout.take(taps.first.byteLength),
    count: layout.take(taps.count.byteLength),
    weights: layout.take(taps.weights.byteLength),
    kernelSize: taps.kernelSize,
    source: taps,
  };
}

export function writeTaps(
  heap: Uint8Array,
  placed: PlacedTaps & { readonly source: AxisTaps },
): void {
  const { source } = placed;
  heap.set(bytesOf(source.first), placed.first);
  heap.set(bytesOf(source.count), placed.count);
  heap.set(bytesOf(source.weights), placed.weights);
}

/** Copies `count` rows from `rowFrom` of `src` to `at`, packed (width * 3 bytes a row). */
export function copyRows(
  heap: Uint8Array,
  at: number,
  src: PixelRows,
  rowFrom: number,
  count: number,
) {
  const rowBytes = src.width * 3;
  if (src.stride === rowBytes) {
    const start = src.offset + rowFrom * rowBytes;
    heap.set(src.rgb.subarray(start, start + count * rowBytes), at);
    return;
  }
  for (let r = 0; r < count; r++) {
    const start = src.offset + (rowFrom + r) * src.stride;
    heap.set(src.rgb.subarray(start, start + rowBytes), at + r * rowBytes);
  }
}
