/**
 * The SQLite index's kNN: the in-memory vector index (int8 scan + exact re-score on the read
 * workers) beside the old exact SQL scan through sqlite-vec and beside faiss, on the same
 * vectors in the same run.
 *
 * Run: npx tsx bench/embedded-knn.bench.ts [--photos 100000] [--per 1,3]
 *        [--dist uniform,clustered] [--queries 40] [--workers 2] [--sql-queries 5]
 *        [--faiss /tmp/faissvenv/bin/python]
 * faiss is optional (bench only): python3 -m venv /tmp/faissvenv &&
 *   /tmp/faissvenv/bin/pip install faiss-cpu numpy
 *
 * Per catalog: load time of the in-memory index (open), RSS before/after open and the shared
 * bytes; then for no filter, a 1 % filter (category) and a 10 % filter (price): p50/p95 at 1
 * client, queries/s at 1 and 8 clients, recall@10 against an exact brute force (products, best
 * image each). The SQL scan and faiss (IndexFlatIP, int8 scalar quantizer; one thread, and
 * batch q/s on all threads) run unfiltered.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { CATALOG_FILE, SqliteProductIndex } from '../src/adapters/sqlite/sqlite-product-index';
import { VectorSearch } from '../src/adapters/sqlite/sqlite-vector-search';
import { ProductWriter } from '../src/adapters/sqlite/sqlite-writes';
import type { ProductDocument } from '../src/domain/product';
import type { ProductFilter } from '../src/domain/search';
import { DIMS, makeVectors } from './embedded-knn-vectors';

const K = 10;
const binding = { modelId: 'bench-model', dims: DIMS };

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}
const photoCounts = arg('photos', '100000').split(',').map(Number);
const perProducts = arg('per', '1,3').split(',').map(Number);
const distributions = arg('dist', 'uniform,clustered').split(',') as Array<'uniform' | 'clustered'>;
const queryCount = Number(arg('queries', '40'));
const workers = Number(arg('workers', '2'));
const sqlQueries = Number(arg('sql-queries', '5'));
const faissPython = arg('faiss', '/tmp/faissvenv/bin/python');

const FIXED = '2024-01-01T00:00:00.000Z';
function productDoc(n: number, per: number, vectors: Float32Array): ProductDocument {
  const id = `sku-${String(n).padStart(7, '0')}`;
  return {
    id,
    title: `product ${n}`,
    description: 'bench',
    category: `cat-${n % 100}`, // one category = 1 %
    price: n % 10, // one price = 10 %
    currency: 'USD',
    tags: [],
    inStock: true,
    modelId: binding.modelId,
    createdAt: FIXED,
    updatedAt: FIXED,
    images: Array.from({ length: per }, (_, position) => ({
      id: `${id}#${position}`,
      position,
      url: null,
      filename: null,
      contentSha256: '0'.repeat(64),
      width: 1,
      height: 1,
      vector: vectors.slice((n * per + position) * DIMS, (n * per + position + 1) * DIMS),
    })),
  };
}

const FILTERS: Array<{ name: string; filter: ProductFilter; keep: (n: number) => boolean }> = [
  { name: 'none', filter: {}, keep: () => true },
  { name: '1 %', filter: { category: 'cat-7' }, keep: (n) => n % 100 === 7 },
  { name: '10 %', filter: { minPrice: 3, maxPrice: 3 }, keep: (n) => n % 10 === 3 },
];

/** Exact top-K products (best image each) by brute force, in float64. */
function exactTop(
  vectors: Float32Array,
  per: number,
  query: Float32Array,
  keep: (n: number) => boolean,
): string[] {
  const products = vectors.length / DIMS / per;
  const best: Array<{ n: number; s: number }> = [];
  let floor = -Infinity;
  for (let n = 0; n < products; n++) {
    if (!keep(n)) continue;
    let s = -Infinity;
    for (let p = 0; p < per; p++) {
      const o = (n * per + p) * DIMS;
      let dot = 0;
      for (let i = 0; i < DIMS; i++) dot += vectors[o + i]! * query[i]!;
      if (dot > s) s = dot;
    }
    if (best.length < K || s > floor) {
      best.push({ n, s });
      best.sort((a, b) => b.s - a.s);
      if (best.length > K) best.pop();
      floor = best.length === K ? best[K - 1]!.s : -Infinity;
    }
  }
  return best.map(({ n }) => `sku-${String(n).padStart(7, '0')}`);
}

const recall = (truth: string[], got: string[]) =>
  truth.length === 0 ? 1 : got.filter((id) => truth.includes(id)).length / truth.length;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

/** Runs every query `clients` at a time; latencies and wall time. */
async function drive<Q>(
  queries: Q[],
  clients: number,
  run: (q: Q) => Promise<unknown>,
): Promise<{ p50: number; p95: number; qps: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < queries.length) {
        const q = queries[next++]!;
        const t = process.hrtime.bigint();
        await run(q);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  return { p50: pct(latencies, 50), p95: pct(latencies, 95), qps: queries.length / wall };
}

const FAISS_SCRIPT = `
import sys, time, numpy as np, faiss
faiss.omp_set_num_threads(1)
d, per, k = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
xb = np.fromfile(sys.argv[1], dtype='float32').reshape(-1, d)
xq = np.fromfile(sys.argv[2], dtype='float32').reshape(-1, d)
truth = [list(map(int, l.split())) for l in open(sys.argv[6])]
def group(I):
    out = []
    for row in I:
        seen = []
        for i in row:
            p = int(i) // per
            if i >= 0 and p not in seen: seen.append(p)
            if len(seen) == k: break
        out.append(seen)
    return out
for name, make in [('faiss IndexFlatIP', lambda: faiss.IndexFlatIP(d)),
                   ('faiss int8 SQ', lambda: faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT))]:
    t = time.time(); index = make()
    if not index.is_trained: index.train(xb)
    index.add(xb); load = time.time() - t
    lat = []
    res = []
    for q in xq:
        t = time.perf_counter(); D, I = index.search(q[None, :], k * per); lat.append((time.perf_counter() - t) * 1000)
        res.append(I[0])
    rec = np.mean([len(set(g) & set(t)) / len(t) for g, t in zip(group(res), truth)])
    faiss.omp_set_num_threads(2)
    t = time.perf_counter(); index.search(xq, k * per); qps = len(xq) / (time.perf_counter() - t)
    faiss.omp_set_num_threads(1)
    lat.sort()
    print(f"{name}\\t{lat[len(lat)//2]:.2f}\\t{lat[int(len(lat)*0.95)]:.2f}\\t{1000/np.mean(lat):.0f}\\t{qps:.0f}\\t{rec:.3f}\\t{load:.1f}")
`;

function runFaiss(
  vectors: Float32Array,
  queries: Float32Array[],
  per: number,
  truth: string[][],
  dir: string,
): string[] {
  if (!fs.existsSync(faissPython)) return [`(faiss skipped: ${faissPython} not found)`];
  const base = path.join(dir, 'base.f32');
  const query = path.join(dir, 'query.f32');
  const truthFile = path.join(dir, 'truth.txt');
  const script = path.join(dir, 'faiss_bench.py');
  fs.writeFileSync(base, Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength));
  const q = new Float32Array(queries.length * DIMS);
  queries.forEach((v, i) => q.set(v, i * DIMS));
  fs.writeFileSync(query, Buffer.from(q.buffer));
  fs.writeFileSync(
    truthFile,
    truth.map((ids) => ids.map((id) => Number(id.slice(4))).join(' ')).join('\n'),
  );
  fs.writeFileSync(script, FAISS_SCRIPT);
  const out = execFileSync(
    faissPython,
    [script, base, query, String(DIMS), String(per), String(K), truthFile],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  fs.rmSync(base);
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const [name, p50, p95, qps1, qpsBatch, rec, load] = line.split('\t');
      return `| ${name} | none | ${p50} | ${p95} | ${qps1} | ${qpsBatch} (batch, 2 threads) | ${rec} | build ${load} s |`;
    });
}

async function benchCatalog(photos: number, per: number, dist: 'uniform' | 'clustered') {
  const products = Math.floor(photos / per);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'knn-bench-'));
  const lines: string[] = [];
  try {
    const vectors = makeVectors(products * per, dist, 42);
    const uniformQueries = makeVectors(queryCount, 'uniform', 1000);
    const queries = Array.from({ length: queryCount }, (_, i) =>
      uniformQueries.slice(i * DIMS, (i + 1) * DIMS),
    );
    if (dist === 'clustered') {
      // Queries from the data's own clusters: the same centres (seed 42), other noise.
      const near = makeVectors(queryCount + 1, dist, 42);
      const noise = makeVectors(queryCount, 'uniform', 7);
      queries.forEach((q, i) => {
        let norm = 0;
        for (let d = 0; d < DIMS; d++) {
          q[d] = near[(i + 1) * DIMS + d]! + 0.3 * noise[i * DIMS + d]!;
          norm += q[d]! * q[d]!;
        }
        for (let d = 0; d < DIMS; d++) q[d]! /= Math.sqrt(norm);
      });
    }
    const creator = new SqliteProductIndex({ dataDir, binding });
    await creator.open();
    await creator.close();
    const db = new Database(path.join(dataDir, CATALOG_FILE));
    const writer = new ProductWriter(db);
    const writeStart = Date.now();
    db.transaction(() => {
      for (let n = 0; n < products; n++) writer.write(productDoc(n, per, vectors));
    })();
    db.close();
    const writeS = (Date.now() - writeStart) / 1000;
    const truths = FILTERS.map(({ keep }) => queries.map((q) => exactTop(vectors, per, q, keep)));

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const openStart = process.hrtime.bigint();
    const index = new SqliteProductIndex({ dataDir, binding, readWorkers: workers });
    await index.open();
    const openMs = Number(process.hrtime.bigint() - openStart) / 1e6;
    global.gc?.();
    const rssAfter = process.memoryUsage().rss;
    type Internals = { state: { store: { bytes: number } } };
    const shared = (index as unknown as Internals).state.store.bytes;
    lines.push(
      `\n### ${photos.toLocaleString('en')} photos, ${per} per product (${products.toLocaleString('en')} products), ${dist}\n`,
      `SQLite bulk write ${writeS.toFixed(1)} s; open (index rebuilt from SQLite, ${workers} vector workers + 1 keyword worker): ${(openMs / 1000).toFixed(2)} s; shared memory ${mb(shared)} (int8 ${mb(photos * DIMS)}); RSS ${mb(rssBefore)} -> ${mb(rssAfter)} (+${mb(rssAfter - rssBefore)}; the bench itself holds the float32 vectors)\n`,
      '| method | filter | p50 ms (1 client) | p95 ms | q/s 1 client | q/s 8 clients | recall@10 | |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const [f, { name, filter }] of FILTERS.entries()) {
      const got: string[][] = [];
      const search = (q: (typeof queries)[number]) =>
        index.searchVector({ vector: q, filter, k: K }).then((hits) => {
          got[queries.indexOf(q)] = hits.map((hit) => hit.productId);
        });
      await drive(queries.slice(0, 5), 1, search); // warm
      const one = await drive(queries, 1, search);
      const rec = queries.reduce((sum, _, i) => sum + recall(truths[f]![i]!, got[i]!), 0);
      const eight = await drive(queries, 8, search);
      lines.push(
        `| in-memory int8 + exact re-score | ${name} | ${one.p50.toFixed(2)} | ${one.p95.toFixed(2)} | ${one.qps.toFixed(0)} | ${eight.qps.toFixed(0)} | ${(rec / queries.length).toFixed(3)} | |`,
      );
    }
    global.gc?.();
    const rssSearched = process.memoryUsage().rss;
    lines.push(
      `\nRSS after the searches ${mb(rssSearched)} (+${mb(rssSearched - rssBefore)} since before open: the store, the workers and their SQLite page caches)\n`,
    );
    await index.close();
    if (sqlQueries > 0) {
      const reader = new Database(path.join(dataDir, CATALOG_FILE), { readonly: true });
      sqliteVec.load(reader);
      const scan = new VectorSearch(reader);
      const subset = queries.slice(0, sqlQueries);
      scan.search({ vector: subset[0]!, filter: {}, k: K });
      let rec = 0;
      const res = await drive(subset, 1, async (q) => {
        const ids = scan.search({ vector: q, filter: {}, k: K }).map((h) => h.productId);
        rec += recall(truths[0]![queries.indexOf(q)]!, ids);
      });
      reader.close();
      lines.push(
        `| old SQL scan (sqlite-vec, 1 worker) | none | ${res.p50.toFixed(1)} | ${res.p95.toFixed(1)} | ${res.qps.toFixed(1)} | - | ${(rec / subset.length).toFixed(3)} | ${sqlQueries} queries |`,
      );
    }
    lines.push(...runFaiss(vectors, queries, per, truths[0]!, dataDir));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  process.stdout.write(
    `embedded kNN bench: ${os.cpus().length} cores, k=${K}, ${queryCount} queries, load ${os.loadavg()[0]!.toFixed(1)}\n`,
  );
  for (const photos of photoCounts) {
    for (const dist of distributions) {
      for (const per of perProducts) await benchCatalog(photos, per, dist);
    }
  }
}

void main();
