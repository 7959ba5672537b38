/**
 * The in-memory vector index's shared memory, as both sides see it: the main thread's writer
 * (sqlite-vector-store.ts) and the read workers' scan (sqlite-vector-reader.ts).
 *
 * Product columns live in SharedArrayBuffers, one per column, reallocated when they grow. The
 * int8 vectors live in a shared WebAssembly.Memory that the SIMD kernel (simd/int8-kernel.ts)
 * reads; it grows in place, so a vector never moves within a generation. That memory starts
 * with one scratch *lane* per reading thread (the quantized query, a list of slots to score,
 * the kernel's output), then the vectors: slot s at DATA + s * stride.
 */
import { sharedMemory, strideOf } from './simd/int8-kernel';

/** Index of each counter in the control array. */
export const VERSION = 0;
export const ROWS = 1;
export const SLOTS = 2;
export const TAG_ENTRIES = 3;
const CONTROL_LENGTH = 4;

/** Slots one kernel call scores at most (the size of a lane's list and output). */
export const BLOCK = 1024;
/** Scratch lanes: one per thread that scans at once (SQLITE_READ_WORKERS is at most 64). */
export const LANES = 64;

/** The shared buffers, as handed to a worker (structured clone shares, never copies, them). */
export interface VectorStoreBuffers {
  readonly dims: number;
  readonly control: SharedArrayBuffer;
  readonly rowCapacity: number;
  readonly slotStart: SharedArrayBuffer;
  readonly slotCount: SharedArrayBuffer;
  readonly alive: SharedArrayBuffer;
  readonly category: SharedArrayBuffer;
  readonly price: SharedArrayBuffer;
  readonly inStock: SharedArrayBuffer;
  readonly tagStart: SharedArrayBuffer;
  readonly tagCount: SharedArrayBuffer;
  readonly pk: SharedArrayBuffer;
  readonly slotCapacity: number;
  /** The lanes and the int8 vectors (see VectorMemoryLayout). */
  readonly vectors: WebAssembly.Memory;
  readonly scale: SharedArrayBuffer;
  readonly tagCapacity: number;
  readonly tags: SharedArrayBuffer;
}

/** Byte offsets in the vectors' memory for vectors of `dims`. */
export class VectorMemoryLayout {
  /** Bytes per vector: dims rounded up to 16, zero past the dims. */
  readonly stride: number;
  readonly laneBytes: number;
  /** Where slot 0's vector starts. */
  readonly data: number;

  constructor(readonly dims: number) {
    this.stride = strideOf(dims);
    this.laneBytes = this.stride + 2 * BLOCK * 4;
    this.data = Math.ceil((LANES * this.laneBytes) / 64) * 64;
  }

  /** Bytes the memory needs for `slots` vectors. */
  bytesFor(slots: number): number {
    return this.data + slots * this.stride;
  }

  /** Lane `lane`'s query (stride bytes), slot list and output (BLOCK i32 each). */
  lane(lane: number): { query: number; list: number; out: number } {
    if (!Number.isInteger(lane) || lane < 0 || lane >= LANES) {
      throw new RangeError(`a scan lane is an integer in [0, ${LANES}), got ${lane}`);
    }
    const query = lane * this.laneBytes;
    return { query, list: query + this.stride, out: query + this.stride + BLOCK * 4 };
  }
}

/** Typed views over one set of buffers (the vectors' memory is read through the kernel). */
export class Views {
  readonly control: Int32Array;
  readonly slotStart: Int32Array;
  readonly slotCount: Int32Array;
  readonly alive: Int32Array;
  readonly category: Int32Array;
  readonly price: Float64Array;
  readonly inStock: Uint8Array;
  readonly tagStart: Int32Array;
  readonly tagCount: Int32Array;
  readonly pk: Float64Array;
  readonly scale: Float32Array;
  readonly tags: Int32Array;

  constructor(readonly buffers: VectorStoreBuffers) {
    this.control = new Int32Array(buffers.control);
    this.slotStart = new Int32Array(buffers.slotStart);
    this.slotCount = new Int32Array(buffers.slotCount);
    this.alive = new Int32Array(buffers.alive);
    this.category = new Int32Array(buffers.category);
    this.price = new Float64Array(buffers.price);
    this.inStock = new Uint8Array(buffers.inStock);
    this.tagStart = new Int32Array(buffers.tagStart);
    this.tagCount = new Int32Array(buffers.tagCount);
    this.pk = new Float64Array(buffers.pk);
    this.scale = new Float32Array(buffers.scale);
    this.tags = new Int32Array(buffers.tags);
  }
}

export const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));

export function newControl(): SharedArrayBuffer {
  return sab(CONTROL_LENGTH * 4);
}

/**
 * Buffers for the given capacities. The vectors' memory is `vectors` when given (grown in
 * place by the caller), else a new one.
 */
export function allocate(
  dims: number,
  control: SharedArrayBuffer,
  rowCapacity: number,
  slotCapacity: number,
  tagCapacity: number,
  vectors?: WebAssembly.Memory,
): VectorStoreBuffers {
  const layout = new VectorMemoryLayout(dims);
  return {
    dims,
    control,
    rowCapacity,
    slotStart: sab(rowCapacity * 4),
    slotCount: sab(rowCapacity * 4),
    alive: sab(rowCapacity * 4),
    category: sab(rowCapacity * 4),
    price: sab(rowCapacity * 8),
    inStock: sab(rowCapacity),
    tagStart: sab(rowCapacity * 4),
    tagCount: sab(rowCapacity * 4),
    pk: sab(rowCapacity * 8),
    slotCapacity,
    vectors: vectors ?? sharedMemory(layout.bytesFor(slotCapacity)),
    scale: sab(slotCapacity * 4),
    tagCapacity,
    tags: sab(tagCapacity * 4),
  };
}

/** Bytes of shared memory the buffers hold (vectors' memory included, lanes and all). */
export function sharedBytes(b: VectorStoreBuffers): number {
  const columns = [
    b.slotStart,
    b.slotCount,
    b.alive,
    b.category,
    b.price,
    b.inStock,
    b.tagStart,
    b.tagCount,
    b.pk,
    b.scale,
    b.tags,
  ];
  return columns.reduce((sum, buffer) => sum + buffer.byteLength, b.vectors.buffer.byteLength);
}

/**
 * Quantizes `vector` into `out` at `offset` with one scale for the vector; returns that scale.
 * Components land in [-127, 127], the kernel's range.
 */
export function quantize(vector: Float32Array, out: Int8Array, offset: number): number {
  let max = 0;
  for (let i = 0; i < vector.length; i++) max = Math.max(max, Math.abs(vector[i]!));
  const scale = max === 0 ? 1 : max / 127;
  for (let i = 0; i < vector.length; i++) out[offset + i] = Math.round(vector[i]! / scale);
  return scale;
}
