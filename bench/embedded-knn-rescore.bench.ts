/**
 * What the exact re-score from SQLite costs a search of the SQLite index's in-memory vector
 * index, in one process on one thread: the same searches through VectorStoreReader with the
 * re-score reading nothing (the int8 scan alone) and reading the candidates' float32 vectors
 * from SQLite (SqliteExactVectors on a read-only connection, as a read worker does), timing
 * the SQLite read on its own; then p50 through the index's read worker for comparison.
 *
 * Run: npx tsx bench/embedded-knn-rescore.bench.ts [--photos 100000] [--queries 100]
 * (uniform random unit vectors, one photo per product, 512 dims, k = 10: 84 candidates)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteExactVectors } from '../src/adapters/sqlite/sqlite-exact-vectors';
import { CATALOG_FILE, SqliteProductIndex } from '../src/adapters/sqlite/sqlite-product-index';
import type { VectorStore } from '../src/adapters/sqlite/sqlite-vector-store';
import { VectorStoreReader } from '../src/adapters/sqlite/sqlite-vector-reader';
import { ProductWriter } from '../src/adapters/sqlite/sqlite-writes';
import type { ProductDocument } from '../src/domain/product';
import type { ProductFilter } from '../src/domain/search';

const DIMS = 512;
const K = 10;
const CANDIDATES = 2 * K + 64;
const binding = { modelId: 'bench-model', dims: DIMS };

function arg(name: string, fallback: string): number {
  const at = process.argv.indexOf(`--${name}`);
  return Number(at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback);
}
const photos = arg('photos', '100000');
const queryCount = arg('queries', '100');

let seed = 1;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
function unitVector(): Float32Array {
  const v = Float32Array.from({ length: DIMS }, random);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function productDoc(n: number): ProductDocument {
  const id = `sku-${n}`;
  const at = '2026-01-01T00:00:00.000Z';
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
    createdAt: at,
    updatedAt: at,
    images: [
      {
        id: `${id}#0`,
        position: 0,
        url: null,
        filename: null,
        contentSha256: 'bench',
        width: 1,
        height: 1,
        vector: unitVector(),
      },
    ],
  };
}

const FILTERS: Array<[string, ProductFilter]> = [
  ['none', {}],
  ['1 %', { category: 'cat-7' }],
  ['10 %', { minPrice: 3, maxPrice: 3 }],
];

const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'knn-rescore-bench-'));
  try {
    const creator = new SqliteProductIndex({ dataDir, binding });
    await creator.open();
    await creator.close();
    const db = new Database(path.join(dataDir, CATALOG_FILE));
    const writer = new ProductWriter(db);
    db.transaction(() => {
      for (let n = 0; n < photos; n++) writer.write(productDoc(n));
    })();
    db.close();
    const index = new SqliteProductIndex({ dataDir, binding, readWorkers: 1 });
    await index.open();
    const store = (index as unknown as { state: { store: VectorStore } }).state.store;
    const connection = new Database(path.join(dataDir, CATALOG_FILE), { readonly: true });
    const exact = new SqliteExactVectors(connection);
    let reading = 0;
    const scanOnly = new VectorStoreReader(store.buffers, { imagesOf: () => [] });
    const rescored = new VectorStoreReader(store.buffers, {
      imagesOf: (pks) => {
        const started = process.hrtime.bigint();
        const images = exact.imagesOf(pks);
        reading += ms(started);
        return images;
      },
    });
    const queries = Array.from({ length: queryCount }, unitVector);
    process.stdout.write(
      `${photos} photos, ${queryCount} queries, ${CANDIDATES} candidates, load ${os.loadavg()[0]!.toFixed(1)}\n` +
        '| filter | scan only ms/search | scan + SQLite re-score | of which the SQLite read | p50 via the read worker |\n|---|---|---|---|---|\n',
    );
    for (const [name, filter] of FILTERS) {
      const compiled = store.compile(filter)!;
      const run = (reader: VectorStoreReader) => {
        const started = process.hrtime.bigint();
        for (const vector of queries) {
          reader.search({ vector, filter: compiled, candidates: CANDIDATES });
        }
        return ms(started) / queries.length;
      };
      run(scanOnly); // warm
      run(rescored);
      const times = { scan: [] as number[], both: [] as number[], read: [] as number[] };
      for (let round = 0; round < 3; round++) {
        times.scan.push(run(scanOnly));
        reading = 0;
        times.both.push(run(rescored));
        times.read.push(reading / queries.length);
      }
      const latencies: number[] = [];
      for (const vector of queries) {
        const started = process.hrtime.bigint();
        await index.searchVector({ vector, filter, k: K });
        latencies.push(ms(started));
      }
      process.stdout.write(
        `| ${name} | ${median(times.scan).toFixed(2)} | ${median(times.both).toFixed(2)} | ${median(times.read).toFixed(2)} | ${median(latencies).toFixed(2)} |\n`,
      );
    }
    connection.close();
    await index.close();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
