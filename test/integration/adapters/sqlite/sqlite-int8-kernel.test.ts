// The WebAssembly SIMD kernel of the in-memory vector index (int8 and 4-bit rows) against a
// plain JavaScript dot product: random rows, edge lengths and counts, the extreme values, rows
// listed out of order, a memory grown under an instance; and the checked-in bytes against their
// .wat source.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  INT8_DOT_WASM_BASE64,
  INT8_DOT_WAT_SHA256,
} from '../../../../src/adapters/sqlite/simd/int8-dot.wasm';
import {
  growMemory,
  Int8Kernel,
  MAX_DIMS,
  nibbleQueryBytes,
  nibblesOf,
  packNibbles,
  PAGE_BYTES,
  sharedMemory,
  strideOf,
} from '../../../../src/adapters/sqlite/simd/int8-kernel';
import { quantizeNibbles } from '../../../../src/adapters/sqlite/sqlite-vector-layout';
import { randomUnitVector, seededRandom } from '../../../helpers/product-fixtures';

/** `rows` vectors of `dims` random components in [-127, 127], zero-padded to the stride. */
function fill(bytes: Int8Array, at: number, rows: number, dims: number, random: () => number) {
  const stride = strideOf(dims);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < dims; i++) bytes[at + r * stride + i] = Math.round(random() * 254) - 127;
  }
}

function reference(bytes: Int8Array, query: number, row: number, dims: number): number {
  let sum = 0;
  for (let i = 0; i < dims; i++) sum += bytes[query + i]! * bytes[row + i]!;
  return sum;
}

const QUERY = 0;
const OUT = 64 * 1024;
const LIST = 128 * 1024;
const DATA = 192 * 1024;

describe('Int8Kernel', () => {
  it.each([1, 7, 15, 16, 17, 31, 100, 512, 777, 1024])(
    'scores consecutive rows exactly, %i dims, every count from 0 to 9 and 1,023',
    (dims) => {
      const random = seededRandom(dims);
      const stride = strideOf(dims);
      const rows = 1023;
      const memory = sharedMemory(DATA + rows * stride);
      const bytes = new Int8Array(memory.buffer);
      fill(bytes, QUERY, 1, dims, random);
      fill(bytes, DATA, rows, dims, random);
      const kernel = new Int8Kernel(memory);
      const out = new Int32Array(memory.buffer, OUT, rows + 1);
      for (const count of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, rows]) {
        out.fill(-1);
        // From row 1: the first row need not be aligned beyond 16 bytes.
        const first = count === rows ? 0 : 1;
        kernel.range(QUERY, DATA + first * stride, stride, count, OUT);
        const want = Array.from({ length: count }, (_, r) =>
          reference(bytes, QUERY, DATA + (first + r) * stride, dims),
        );
        expect(Array.from(out.subarray(0, count))).toEqual(want);
        expect(out[count]).toBe(-1); // nothing written past the count
      }
    },
  );

  it('scores listed rows in the list’s order, repeats included', () => {
    const dims = 48;
    const stride = strideOf(dims);
    const random = seededRandom(3);
    const memory = sharedMemory(DATA + 100 * stride);
    const bytes = new Int8Array(memory.buffer);
    fill(bytes, QUERY, 1, dims, random);
    fill(bytes, DATA, 100, dims, random);
    const kernel = new Int8Kernel(memory);
    const out = new Int32Array(memory.buffer, OUT, 16);
    const listed = new Int32Array(memory.buffer, LIST, 16);
    for (const rows of [[], [5], [99, 0, 42], [7, 7, 3, 98, 1], [9, 8, 7, 6, 5, 4, 3, 2, 1]]) {
      listed.set(rows);
      out.fill(-1);
      kernel.list(QUERY, DATA, stride, LIST, rows.length, OUT);
      expect(Array.from(out.subarray(0, rows.length))).toEqual(
        rows.map((row) => reference(bytes, QUERY, DATA + row * stride, dims)),
      );
      expect(out[rows.length]).toBe(-1);
    }
  });

  it('does not overflow at the extremes, up to MAX_DIMS', () => {
    const stride = strideOf(MAX_DIMS);
    const memory = sharedMemory(DATA + 4 * stride);
    const bytes = new Int8Array(memory.buffer);
    const query = DATA + 3 * stride; // a query this long would overlap OUT at QUERY
    bytes.fill(127, query, query + MAX_DIMS);
    bytes.fill(127, DATA, DATA + MAX_DIMS);
    bytes.fill(-127, DATA + stride, DATA + stride + MAX_DIMS);
    for (let i = 0; i < MAX_DIMS; i++) bytes[DATA + 2 * stride + i] = i % 2 === 0 ? 127 : -127;
    const out = new Int32Array(memory.buffer, OUT, 3);
    new Int8Kernel(memory).range(query, DATA, stride, 3, OUT);
    expect(Array.from(out)).toEqual([127 * 127 * MAX_DIMS, -127 * 127 * MAX_DIMS, 0]);
  });

  it('refuses dims it cannot score', () => {
    expect(strideOf(512)).toBe(512);
    expect(strideOf(500)).toBe(512);
    for (const dims of [0, -1, 1.5, Number.NaN, MAX_DIMS + 1]) {
      expect(() => strideOf(dims)).toThrow(TypeError);
    }
  });

  it('keeps rows in place when the memory grows under an instance, and scores the new ones', () => {
    const dims = 32;
    const random = seededRandom(4);
    const memory = sharedMemory(DATA + 10 * dims);
    const pages = memory.buffer.byteLength / PAGE_BYTES;
    const kernel = new Int8Kernel(memory);
    fill(new Int8Array(memory.buffer), QUERY, 1, dims, random);
    fill(new Int8Array(memory.buffer), DATA, 10, dims, random);
    const before = new Int32Array(10);
    kernel.range(QUERY, DATA, dims, 10, OUT);
    before.set(new Int32Array(memory.buffer, OUT, 10));
    const far = pages * PAGE_BYTES + 1000 * dims; // past the first size
    growMemory(memory, far + dims);
    expect(memory.buffer.byteLength).toBeGreaterThan(pages * PAGE_BYTES);
    const bytes = new Int8Array(memory.buffer);
    fill(bytes, far, 1, dims, random);
    kernel.range(QUERY, DATA, dims, 10, OUT);
    expect(new Int32Array(memory.buffer, OUT, 10)).toEqual(before);
    kernel.range(QUERY, far, dims, 1, OUT);
    expect(new Int32Array(memory.buffer, OUT, 1)[0]).toBe(reference(bytes, QUERY, far, dims));
  });

  it('is built from the checked-in .wat (run scripts/build-simd-kernel.ts after editing it)', () => {
    const wat = fs.readFileSync(
      path.join(__dirname, '../../../../src/adapters/sqlite/simd/int8-dot.wat'),
    );
    expect(createHash('sha256').update(wat).digest('hex')).toBe(INT8_DOT_WAT_SHA256);
    const exports = WebAssembly.Module.exports(
      new WebAssembly.Module(Buffer.from(INT8_DOT_WASM_BASE64, 'base64')),
    );
    expect(exports.map((entry) => entry.name).sort()).toEqual(['list', 'list4', 'range', 'range4']);
  });
});

describe('Int8Kernel, 4-bit rows', () => {
  /** `rows` random 4-bit rows packed at `at`; returns their values. */
  function fillNibbles(
    bytes: Uint8Array,
    at: number,
    rows: number,
    dims: number,
    random: () => number,
  ) {
    return Array.from({ length: rows }, (_, r) => {
      const values = Int8Array.from({ length: dims }, () => Math.round(random() * 14) - 7);
      packNibbles(values, bytes, at + r * nibblesOf(dims));
      return values;
    });
  }

  /** A random int8 query written as the 4-bit kernel's i16 query at QUERY; returns it. */
  function setQuery(memory: WebAssembly.Memory, dims: number, random: () => number) {
    const query = Int8Array.from({ length: dims }, () => Math.round(random() * 254) - 127);
    new Int16Array(memory.buffer, QUERY, nibbleQueryBytes(dims) / 2).fill(0).set(query);
    return query;
  }

  /** What the kernel returns: the dot plus 8 * sum(query). */
  const expected = (query: Int8Array, values: Int8Array) =>
    values.reduce((sum, value, i) => sum + query[i]! * (value + 8), 0);

  it.each([1, 17, 31, 32, 33, 100, 512, 777])(
    'scores consecutive rows exactly, %i dims, every count from 0 to 9 and 1,023',
    (dims) => {
      const random = seededRandom(100 + dims);
      const bytes = nibblesOf(dims);
      const memory = sharedMemory(DATA + 1024 * bytes);
      const rows = fillNibbles(new Uint8Array(memory.buffer), DATA, 1023, dims, random);
      const query = setQuery(memory, dims, random);
      const kernel = new Int8Kernel(memory);
      const out = new Int32Array(memory.buffer, OUT, 1024 + 4);
      for (const count of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1023]) {
        out.fill(-1);
        const first = count === 1023 ? 0 : 1;
        kernel.range4(QUERY, DATA + first * bytes, bytes, count, OUT);
        expect(Array.from(out.subarray(0, count))).toEqual(
          rows.slice(first, first + count).map((values) => expected(query, values)),
        );
        // Whole groups of four are written; never past them.
        expect(out[Math.ceil(count / 4) * 4]).toBe(-1);
      }
    },
  );

  it('scores listed rows in the list’s order, repeats included, and reads no row past them', () => {
    const dims = 64;
    const bytes = nibblesOf(dims);
    const random = seededRandom(7);
    // The last row ends the memory: a read past a listed row would trap.
    const memory = sharedMemory(DATA + 100 * bytes);
    const last = memory.buffer.byteLength / bytes - 1 - DATA / bytes;
    const rows = fillNibbles(new Uint8Array(memory.buffer), DATA, last + 1, dims, random);
    const query = setQuery(memory, dims, random);
    const kernel = new Int8Kernel(memory);
    const out = new Int32Array(memory.buffer, OUT, 16);
    const listed = new Int32Array(memory.buffer, LIST, 16);
    for (const picks of [
      [],
      [last],
      [99, 0, 42],
      [7, 7, 3, last, 1],
      [9, 8, 7, 6, 5, 4, 3, 2, 1],
    ]) {
      listed.set(picks);
      kernel.list4(QUERY, DATA, bytes, LIST, picks.length, OUT);
      expect(Array.from(out.subarray(0, picks.length))).toEqual(
        picks.map((row) => expected(query, rows[row]!)),
      );
    }
    kernel.range4(QUERY, DATA + (last - 2) * bytes, bytes, 3, OUT);
    expect(Array.from(out.subarray(0, 3))).toEqual(
      rows.slice(last - 2).map((values) => expected(query, values)),
    );
  });

  it.each([5, 17, 512])(
    'gets from quantizeNibbles the layout packNibbles writes, %i dims',
    (dims) => {
      const vector = randomUnitVector(dims, seededRandom(dims));
      const packed = new Uint8Array(nibblesOf(dims));
      const scale = quantizeNibbles(vector, packed, 0);
      const max = Math.max(...Array.from(vector, Math.abs));
      expect(scale).toBeCloseTo(max / 7, 9);
      const codes = Int8Array.from(vector, (value) => Math.round(value / scale));
      expect(Math.max(...Array.from(codes, Math.abs))).toBe(7);
      const expected = new Uint8Array(nibblesOf(dims));
      packNibbles(codes, expected, 0);
      expect(packed).toEqual(expected);
    },
  );
});
