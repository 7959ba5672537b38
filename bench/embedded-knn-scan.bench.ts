/**
 * The in-memory index's scan alone (no re-score, no worker), three ways over the same store in
 * one process and one thread, in interleaved rounds, as ratios against the first:
 * - simsimd `inner` per row on the int8 codes (the scan before the SIMD kernel);
 * - the WebAssembly SIMD kernel, int8 codes only, a block of rows per call;
 * - the reader's scan: 4-bit first pass, int8 pass over the rows it keeps (this branch).
 * Also how often the exact top 10 is among the reader's int8 candidates (2k + 64 = 84).
 *
 * Run: npx tsx bench/embedded-knn-scan.bench.ts [--photos 100000] [--dist uniform]
 *        [--queries 50] [--rounds 5]
 */
import os from 'node:os';
import { inner } from 'simsimd';
import { Int8Kernel } from '../src/adapters/sqlite/simd/int8-kernel';
import { TopRows } from '../src/adapters/sqlite/sqlite-top-rows';
import type { VectorStoreBuffers } from '../src/adapters/sqlite/sqlite-vector-layout';
import { BLOCK, int8Layout, quantize } from '../src/adapters/sqlite/sqlite-vector-layout';
import type { CompiledFilter } from '../src/adapters/sqlite/sqlite-vector-reader';
import { VectorStoreReader } from '../src/adapters/sqlite/sqlite-vector-reader';
import { VectorStore } from '../src/adapters/sqlite/sqlite-vector-store';
import { DIMS, makeVectors } from './embedded-knn-vectors';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}
const photos = Number(arg('photos', '100000'));
const dist = arg('dist', 'uniform') as 'uniform' | 'clustered';
const queryCount = Number(arg('queries', '50'));
const rounds = Number(arg('rounds', '5'));
const CANDIDATES = 84;

/** The scan before the kernel: one simsimd call per slot (unfiltered or a price filter). */
function perRowScan(buffers: VectorStoreBuffers, vector: Float32Array, price?: number) {
  const layout = int8Layout(DIMS);
  const codes = new Int8Array(buffers.vectors.buffer);
  const rows = new Int32Array(buffers.control)[1]!;
  const alive = new Int32Array(buffers.alive);
  const prices = new Float64Array(buffers.price);
  const scale = new Float32Array(buffers.scale);
  const query = new Int8Array(DIMS);
  quantize(vector, query, 0);
  const top = new TopRows(CANDIDATES);
  for (let row = 0; row < rows; row++) {
    if (alive[row] === 0 || (price !== undefined && prices[row] !== price)) continue;
    const at = layout.data + row * layout.rowBytes; // one slot per row here
    const score = inner(query, codes.subarray(at, at + DIMS)) * scale[row]!;
    if (score > top.floor) top.push(score, row);
  }
  return top;
}

/** The kernel over int8 codes only, a block of rows per call (unfiltered). */
function int8OnlyScan(buffers: VectorStoreBuffers, kernel: Int8Kernel, vector: Float32Array) {
  const layout = int8Layout(DIMS);
  const lane = layout.lane(1);
  const memory = buffers.vectors.buffer;
  const query = new Int8Array(memory, lane.query, layout.queryBytes).fill(0);
  quantize(vector, query, 0);
  const out = new Int32Array(memory, lane.out, BLOCK);
  const rows = new Int32Array(buffers.control)[1]!;
  const alive = new Int32Array(buffers.alive);
  const scale = new Float32Array(buffers.scale);
  const top = new TopRows(CANDIDATES);
  for (let first = 0; first < rows; first += BLOCK) {
    const count = Math.min(BLOCK, rows - first);
    kernel.range(
      lane.query,
      layout.data + first * layout.rowBytes,
      layout.rowBytes,
      count,
      lane.out,
    );
    for (let i = 0; i < count; i++) {
      const score = out[i]! * scale[first + i]!;
      if (alive[first + i] !== 0 && score > top.floor) top.push(score, first + i);
    }
  }
  return top;
}

function main(): void {
  const vectors = makeVectors(photos, dist, 42);
  const queries = Array.from({ length: queryCount }, (_, i) => makeVectors(1, 'uniform', 1000 + i));
  if (dist === 'clustered') {
    // Near a catalog photo, as the main bench's clustered queries are.
    queries.forEach((q, i) => {
      const near = vectors.subarray(
        ((i * 7919) % photos) * DIMS,
        (((i * 7919) % photos) + 1) * DIMS,
      );
      let norm = 0;
      for (let d = 0; d < DIMS; d++) {
        q[d] = near[d]! + 0.3 * q[d]!;
        norm += q[d]! * q[d]!;
      }
      for (let d = 0; d < DIMS; d++) q[d]! /= Math.sqrt(norm);
    });
  }
  const store = new VectorStore(DIMS, { products: photos, images: photos, tags: 0 });
  for (let n = 0; n < photos; n++) {
    store.put({
      id: `p${n}`,
      pk: n + 1,
      category: 'c',
      price: n % 10,
      inStock: true,
      tags: [],
      images: [{ vector: vectors.subarray(n * DIMS, (n + 1) * DIMS) }],
    });
  }
  const buffers = store.buffers;
  const reader = new VectorStoreReader(buffers, { imagesOf: () => [] });
  const kernel = new Int8Kernel(buffers.vectors);
  const filters: Array<[string, CompiledFilter, number | undefined]> = [
    ['none', {}, undefined],
    ['10 % (price)', store.compile({ minPrice: 3, maxPrice: 3 })!, 3],
  ];
  process.stdout.write(
    `scan alone, one thread: ${photos.toLocaleString('en')} photos x ${DIMS}, ${dist}, ${queryCount} queries x ${rounds} rounds, load ${os.loadavg()[0]!.toFixed(1)}\n\n` +
      '| filter | method | ms per scan (median of rounds) | best round | vs simsimd per row |\n|---|---|---|---|---|\n',
  );
  for (const [name, filter, price] of filters) {
    const methods: Array<[string, (q: Float32Array) => unknown]> = [
      ['simsimd inner per row (before)', (q) => perRowScan(buffers, q, price)],
      ...(price === undefined
        ? [
            [
              'SIMD kernel, int8 only',
              (q: Float32Array): unknown => int8OnlyScan(buffers, kernel, q),
            ] as [string, (q: Float32Array) => unknown],
          ]
        : []),
      [
        'SIMD kernel, 4-bit pass + int8 pass (now)',
        (q) => reader.scan({ vector: q, filter, candidates: CANDIDATES, from: 0, to: photos }),
      ],
    ];
    const times = methods.map(() => [] as number[]);
    for (let round = 0; round <= rounds; round++) {
      methods.forEach(([, run], m) => {
        const started = process.hrtime.bigint();
        for (const q of queries) run(q);
        const ms = Number(process.hrtime.bigint() - started) / 1e6 / queries.length;
        if (round > 0) times[m]!.push(ms); // round 0 warms up
      });
    }
    const medians = times.map((t) => [...t].sort((a, b) => a - b)[t.length >> 1]!);
    methods.forEach(([method], m) => {
      process.stdout.write(
        `| ${name} | ${method} | ${medians[m]!.toFixed(2)} | ${Math.min(...times[m]!).toFixed(2)} | ${(medians[m]! / medians[0]!).toFixed(2)} |\n`,
      );
    });
  }
  // How often the exact top 10 is among the reader's int8 candidates.
  let found = 0;
  for (const q of queries) {
    const exact = Array.from({ length: photos }, (_, n) => {
      let dot = 0;
      for (let d = 0; d < DIMS; d++) dot += vectors[n * DIMS + d]! * q[d]!;
      return { n, dot };
    })
      .sort((a, b) => b.dot - a.dot)
      .slice(0, 10);
    const kept = new Set(
      reader.scan({ vector: q, filter: {}, candidates: CANDIDATES, from: 0, to: photos }).rows,
    );
    found += exact.filter(({ n }) => kept.has(n)).length;
  }
  process.stdout.write(
    `\nexact top 10 among the ${CANDIDATES} int8 candidates after the 4-bit pass: ${(found / (10 * queries.length)).toFixed(3)}\n`,
  );
}

main();
