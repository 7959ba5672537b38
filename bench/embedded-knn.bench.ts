/**
 * How long the SQLite index's exact, pre-filtered kNN scan takes.
 * Run: npx tsx bench/embedded-knn.bench.ts [images=100000] [dims=512] [imagesPerProduct=4]
 * Prints ms/query for an unfiltered query and for a selective filter, and the longest
 * event-loop stall while the queries ran (the scan runs on a worker thread, so it stays small).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { SqliteProductIndex, CATALOG_FILE } from '../src/adapters/sqlite/sqlite-product-index';
import { ProductWriter } from '../src/adapters/sqlite/sqlite-writes';
import type { ProductDocument } from '../src/domain/product';
import type { ProductFilter } from '../src/domain/search';

const [imageCount = 100_000, dims = 512, perProduct = 4] = process.argv.slice(2).map(Number);
const binding = { modelId: 'bench-model', dims };

/** xorshift32: reproducible vectors without a dependency. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000 - 0.5;
  };
}

function unitVector(next: () => number): Float32Array {
  const v = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    v[i] = next();
    norm += v[i]! * v[i]!;
  }
  for (let i = 0; i < dims; i++) v[i]! /= Math.sqrt(norm);
  return v;
}

function product(n: number, next: () => number): ProductDocument {
  const id = `sku-${String(n).padStart(7, '0')}`;
  return {
    id,
    title: `product ${n}`,
    description: 'bench',
    category: `cat-${n % 10}`,
    price: n % 1000,
    currency: 'USD',
    tags: n % 2 === 0 ? ['even'] : ['odd'],
    inStock: n % 3 !== 0,
    modelId: binding.modelId,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    images: Array.from({ length: perProduct }, (_, position) => ({
      id: `${id}#${position}`,
      position,
      url: null,
      filename: null,
      contentSha256: '0'.repeat(64),
      width: 1,
      height: 1,
      vector: unitVector(next),
    })),
  };
}

async function time(label: string, runs: number, query: () => Promise<unknown>): Promise<void> {
  await query(); // warm the page cache and the statement
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  // The sampler's first tick only sets its clock, and a stall is recorded by the tick after it.
  await new Promise((resolve) => setTimeout(resolve, 2));
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await query();
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
  await new Promise((resolve) => setTimeout(resolve, 0));
  delay.disable();
  const maxDelayMs = (delay.max / 1e6).toFixed(1);
  process.stdout.write(
    `${label}: ${ms.toFixed(1)} ms/query, event loop max delay ${maxDelayMs} ms\n`,
  );
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'knn-bench-'));
  try {
    const index = new SqliteProductIndex({ dataDir, binding });
    await index.open();
    await index.close();
    // Bulk load in one transaction: per-product durable upserts would measure fsync, not kNN.
    const db = new Database(path.join(dataDir, CATALOG_FILE));
    const writer = new ProductWriter(db);
    const next = rng(42);
    const products = Math.ceil(imageCount / perProduct);
    db.transaction(() => {
      for (let n = 0; n < products; n++) writer.write(product(n, next));
    })();
    db.close();
    await index.open();
    const vector = unitVector(next);
    const run = (filter: ProductFilter) => () => index.searchVector({ vector, filter, k: 20 });
    process.stdout.write(`${products * perProduct} images x ${dims} dims, ${products} products\n`);
    await time('no filter', 10, run({}));
    await time('category (10%)', 10, run({ category: 'cat-3' }));
    await time(
      'tags+inStock+price (~17%)',
      10,
      run({ tags: ['even'], inStock: true, maxPrice: 500 }),
    );
    await index.close();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
