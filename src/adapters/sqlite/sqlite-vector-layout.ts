/**
 * The in-memory vector index's shared memory, as both sides see it: the main thread's writer
 * (sqlite-vector-store.ts) and the read workers' scan (sqlite-vector-reader.ts).
 *
 * Product columns live in SharedArrayBuffers, one per column, reallocated when they grow. Each
 * vector has two codes, each in a shared WebAssembly.Memory that the SIMD kernel
 * (simd/int8-kernel.ts) reads: int8 (`vectors`, one scale per vector) and 4-bit (`codes`, half
 * the bytes, for the scan's first pass). A memory grows in place, so a code never moves within
 * a generation; the two are apart because a pass streams through one contiguous run (4-bit codes
 * interleaved with the int8 ones scanned at half the speed of their own run). Each memory
 * starts with one scratch *lane* per reading thread (the query, a list of slots to score, the
 * kernel's output), then the codes: slot s at `data + s * rowBytes` (MemoryLayout).
 */
import { nibbleQueryBytes, nibblesOf, sharedMemory, strideOf } from './simd/int8-kernel';

/** Index of each counter in the control array. */
export const VERSION = 0;
export const ROWS = 1;
export const SLOTS = 2;
export const TAG_ENTRIES = 3;
const CONTROL_LENGTH = 4;

/** Slots one kernel call scores at most (the size of a lane's list and output). */
export const BLOCK = 1024;
/** Scratch lanes: one per thread that scans at once (SQLITE_READ_WORKERS is at most 64). */
const LANES = 64;

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
  /** The lanes and the int8 codes (see int8Layout). */
  readonly vectors: WebAssembly.Memory;
  readonly scale: SharedArrayBuffer;
  /** The lanes and the 4-bit codes (see nibbleLayout). */
  readonly codes: WebAssembly.Memory;
  readonly scale4: SharedArrayBuffer;
  readonly tagCapacity: number;
  readonly tags: SharedArrayBuffer;
}

/** Byte offsets in one of the two memories: the lanes, then one row of codes per slot. */
export class MemoryLayout {
  readonly laneBytes: number;
  /** Where slot 0's row starts. */
  readonly data: number;

  constructor(
    readonly dims: number,
    /** Bytes of a lane's query. */
    readonly queryBytes: number,
    /** Bytes per slot. */
    readonly rowBytes: number,
  ) {
    // The list holds BLOCK i32; the 4-bit kernel writes up to three i32 past a block.
    this.laneBytes = Math.ceil(queryBytes / 16) * 16 + BLOCK * 4 + (BLOCK + 4) * 4;
    this.data = Math.ceil((LANES * this.laneBytes) / 64) * 64;
  }

  /** Bytes the memory needs for `slots` rows. */
  bytesFor(slots: number): number {
    return this.data + slots * this.rowBytes;
  }

  /** Lane `lane`'s query, slot list and output. */
  lane(lane: number): { query: number; list: number; out: number } {
    if (!Number.isInteger(lane) || lane < 0 || lane >= LANES) {
      throw new RangeError(`a scan lane is an integer in [0, ${LANES}), got ${lane}`);
    }
    const query = lane * this.laneBytes;
    const list = query + Math.ceil(this.queryBytes / 16) * 16;
    return { query, list, out: list + BLOCK * 4 };
  }
}

/** The int8 codes' memory: query and rows of strideOf(dims) bytes. */
export const int8Layout = (dims: number) => new MemoryLayout(dims, strideOf(dims), strideOf(dims));

/** The 4-bit codes' memory: an i16 query, rows of nibblesOf(dims) bytes. */
export const nibbleLayout = (dims: number) =>
  new MemoryLayout(dims, nibbleQueryBytes(dims), nibblesOf(dims));

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
  readonly scale4: Float32Array;
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
    this.scale4 = new Float32Array(buffers.scale4);
    this.tags = new Int32Array(buffers.tags);
  }
}

const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));

export function newControl(): SharedArrayBuffer {
  return sab(CONTROL_LENGTH * 4);
}

/**
 * Buffers for the given capacities. The codes' memories are `memories` when given (grown in
 * place by the caller), else new ones.
 */
export function allocate(
  dims: number,
  control: SharedArrayBuffer,
  rowCapacity: number,
  slotCapacity: number,
  tagCapacity: number,
  memories?: { vectors: WebAssembly.Memory; codes: WebAssembly.Memory },
): VectorStoreBuffers {
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
    vectors: memories?.vectors ?? sharedMemory(int8Layout(dims).bytesFor(slotCapacity)),
    scale: sab(slotCapacity * 4),
    codes: memories?.codes ?? sharedMemory(nibbleLayout(dims).bytesFor(slotCapacity)),
    scale4: sab(slotCapacity * 4),
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
    b.scale4,
    b.tags,
  ];
  const memories = b.vectors.buffer.byteLength + b.codes.buffer.byteLength;
  return columns.reduce((sum, buffer) => sum + buffer.byteLength, memories);
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

/** The largest magnitude of a 4-bit code (codes in [-7, 7]). */
const NIBBLE_MAX = 7;

/**
 * Quantizes `vector` to 4-bit codes with one scale, packed as packNibbles packs them, into
 * `out` at `offset`; returns that scale. (Packs as it goes: a build at open runs it per photo.)
 */
export function quantizeNibbles(vector: Float32Array, out: Uint8Array, offset: number): number {
  const dims = vector.length;
  let max = 0;
  for (let i = 0; i < dims; i++) max = Math.max(max, Math.abs(vector[i]!));
  const scale = max === 0 ? 1 : max / NIBBLE_MAX;
  const inverse = 1 / scale;
  const groups = Math.ceil(dims / 32);
  for (let group = 0; group < groups; group++) {
    for (let lane = 0; lane < 8; lane++) {
      let word = 0;
      for (let k = 0; k < 4; k++) {
        const at = group * 32 + 8 * k + lane;
        const code = at < dims ? Math.round(vector[at]! * inverse) : 0;
        word |= (code + 8) << (4 * k);
      }
      out[offset + group * 16 + 2 * lane] = word & 0xff;
      out[offset + group * 16 + 2 * lane + 1] = word >>> 8;
    }
  }
  return scale;
}
