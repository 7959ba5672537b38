/**
 * Dot products of one int8 query with many int8 or 4-bit rows in one call: the WebAssembly SIMD
 * kernel of int8-dot.wat over a shared `WebAssembly.Memory`. The memory's buffer is a SharedArrayBuffer,
 * so the main thread writes rows that every worker's kernel reads, and grow() keeps them in
 * place. One call scores a block of rows (no call into native code per row, which is what
 * simsimd's `inner` cost: about 95 ns of a row's 160).
 *
 * Layout the kernel expects. int8: every vector (query and rows) is `stride` bytes, the dims
 * rounded up to 16, zero past the dims (strideOf); components in [-127, 127] (quantize's
 * range), so the i32 sums cannot overflow below MAX_DIMS. 4-bit: nibblesOf(dims) bytes a row,
 * packed by packNibbles; the query as i16 (nibbleQueryBytes), zero past the dims.
 */
import { INT8_DOT_WASM_BASE64 } from './int8-dot.wasm';

/** Bytes in a WebAssembly page. */
export const PAGE_BYTES = 65536;
/** The most pages a 32-bit memory has (4 GiB): the kernel's module declares this maximum. */
const MAX_PAGES = 65536;
/** Above this the i32 sums could overflow (127 * 127 * stride < 2^31). */
export const MAX_DIMS = 131072;

/** Bytes per vector in kernel memory: `dims` rounded up to 16. */
export function strideOf(dims: number): number {
  if (!Number.isInteger(dims) || dims < 1 || dims > MAX_DIMS) {
    throw new TypeError(`dims must be an integer in [1, ${MAX_DIMS}], got ${dims}`);
  }
  return Math.ceil(dims / 16) * 16;
}

/** Bytes per row of 4-bit components: dims rounded up to 32, two per byte. */
export function nibblesOf(dims: number): number {
  strideOf(dims);
  return Math.ceil(dims / 32) * 16;
}

/** Bytes of the i16 query of the 4-bit kernel. */
export function nibbleQueryBytes(dims: number): number {
  return nibblesOf(dims) * 4;
}

/**
 * Packs `values` (integers in [-7, 7]) as the 4-bit kernel reads them, at `offset` of `out`:
 * in each group of 32 components, component 8k + l is nibble k of little-endian u16 l, plus 8.
 * Components past the values get 8 (zero).
 */
export function packNibbles(values: Int8Array, out: Uint8Array, offset: number): void {
  const groups = Math.ceil(values.length / 32);
  for (let group = 0; group < groups; group++) {
    for (let lane = 0; lane < 8; lane++) {
      let word = 0;
      for (let k = 0; k < 4; k++) {
        const at = group * 32 + 8 * k + lane;
        word |= ((at < values.length ? values[at]! : 0) + 8) << (4 * k);
      }
      out[offset + group * 16 + 2 * lane] = word & 0xff;
      out[offset + group * 16 + 2 * lane + 1] = word >>> 8;
    }
  }
}

/** A shared memory holding at least `bytes`, growable in place up to 4 GiB. */
export function sharedMemory(bytes: number): WebAssembly.Memory {
  return new WebAssembly.Memory({
    initial: pagesFor(bytes),
    maximum: MAX_PAGES,
    shared: true,
  });
}

/** Grows `memory` in place to hold at least `bytes`; throws past 4 GiB. */
export function growMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength / PAGE_BYTES;
  const need = pagesFor(bytes);
  if (need > have) memory.grow(need - have);
}

function pagesFor(bytes: number): number {
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  if (pages > MAX_PAGES) {
    throw new RangeError(
      `the int8 vectors need ${bytes} bytes, more than 4 GiB of WebAssembly memory`,
    );
  }
  return pages;
}

let compiled: WebAssembly.Module | undefined;

/** The kernel's module, compiled once per thread (a few microseconds; about 1 KB). */
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(INT8_DOT_WASM_BASE64, 'base64'));
  return compiled;
}

interface KernelExports {
  range(query: number, rows: number, stride: number, count: number, out: number): void;
  list(query: number, base: number, stride: number, list: number, count: number, out: number): void;
  range4(query: number, rows: number, bytes: number, count: number, out: number): void;
  list4(query: number, base: number, bytes: number, list: number, count: number, out: number): void;
}

/** The kernel bound to one memory. Addresses are byte offsets in that memory. */
export class Int8Kernel {
  private readonly exports: KernelExports;

  constructor(readonly memory: WebAssembly.Memory) {
    const instance = new WebAssembly.Instance(kernelModule(), { env: { memory } });
    this.exports = instance.exports as unknown as KernelExports;
  }

  /**
   * Writes, as i32 at `out`, the dots of the query at `query` with the `count` consecutive
   * rows that start at `rows`.
   */
  range(query: number, rows: number, stride: number, count: number, out: number): void {
    this.exports.range(query, rows, stride, count, out);
  }

  /**
   * Writes, as i32 at `out`, the dots of the query at `query` with the rows numbered by the
   * `count` i32 at `list`, row n being at `base + n * stride`.
   */
  list(
    query: number,
    base: number,
    stride: number,
    list: number,
    count: number,
    out: number,
  ): void {
    this.exports.list(query, base, stride, list, count, out);
  }

  /**
   * Writes, as i32 at `out`, sum(query * (component + 8)) of the i16 query at `query` with the
   * `count` consecutive 4-bit rows of `bytes` from `rows`: the dot plus 8 * sum(query). Up to
   * three more i32 past the count are written (and mean nothing).
   */
  range4(query: number, rows: number, bytes: number, count: number, out: number): void {
    this.exports.range4(query, rows, bytes, count, out);
  }

  /** range4 over the rows numbered by the `count` i32 at `list` (row n at `base + n * bytes`). */
  list4(
    query: number,
    base: number,
    bytes: number,
    list: number,
    count: number,
    out: number,
  ): void {
    this.exports.list4(query, base, bytes, list, count, out);
  }
}
