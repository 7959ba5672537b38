/**
 * Int8 dot products of one query with many rows in one call: the WebAssembly SIMD kernel of
 * int8-dot.wat over a shared `WebAssembly.Memory`. The memory's buffer is a SharedArrayBuffer,
 * so the main thread writes rows that every worker's kernel reads, and grow() keeps them in
 * place. One call scores a block of rows (no call into native code per row, which is what
 * simsimd's `inner` cost: about 95 ns of a row's 160).
 *
 * Layout the kernel expects: every vector (query and rows) is `stride` bytes, the dims rounded
 * up to 16, zero past the dims (strideOf); components in [-127, 127] (quantize's range), so the
 * i32 sums cannot overflow below MAX_DIMS.
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
}
