// The SQLite index's in-memory vector index: recall against an exact scan, read-after-write on
// every read worker, writes racing searches, growth, replacement. Real files, real threads.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SqliteProductIndex } from '../../../../src/adapters/sqlite/sqlite-product-index';
import type { ProductDocument } from '../../../../src/domain/product';
import type { ProductFilter } from '../../../../src/domain/search';
import { makeProduct, normalize, seededRandom } from '../../../helpers/product-fixtures';

const DIMS = 512;
const binding = { modelId: 'contract-model', dims: DIMS };
const WORKERS = 3;
// Real threads and thousands of 512-dim vectors, on a shared machine.
jest.setTimeout(180_000);

/** Box-Muller over the seeded generator. */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

function uniformVectors(count: number, seed: number): Float32Array[] {
  const next = gaussian(seededRandom(seed));
  return Array.from({ length: count }, () => normalize(Array.from({ length: DIMS }, next)));
}

/** Around 50 Gaussian centres, close together: near neighbours differ by little. */
function clusteredVectors(count: number, seed: number): Float32Array[] {
  const next = gaussian(seededRandom(seed));
  const centres = uniformVectors(50, seed + 1);
  const sigma = 0.6 / Math.sqrt(DIMS);
  return Array.from({ length: count }, (_, n) => {
    const centre = centres[(n * 7919) % centres.length]!;
    return normalize(Array.from(centre, (value) => value + sigma * next()));
  });
}

const id = (n: number) => `p${String(n).padStart(5, '0')}`;

function catalog(vectors: Float32Array[], perProduct: number): ProductDocument[] {
  return Array.from({ length: vectors.length / perProduct }, (_, n) =>
    makeProduct({
      id: id(n),
      category: `c${n % 100}`,
      price: n % 10,
      tags: n % 2 === 0 ? ['even'] : ['odd'],
      vectors: vectors.slice(n * perProduct, (n + 1) * perProduct),
    }),
  );
}

const dot = (a: Float32Array, b: Float32Array) =>
  a.reduce((sum, value, i) => sum + value * b[i]!, 0);

/** The exact top k product ids, best image each. */
function exactTop(
  docs: ProductDocument[],
  query: Float32Array,
  keep: (doc: ProductDocument) => boolean,
  k: number,
): string[] {
  return docs
    .filter(keep)
    .map((doc) => ({ id: doc.id, s: Math.max(...doc.images.map((i) => dot(i.vector, query))) }))
    .sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map((hit) => hit.id);
}

async function withIndex<T>(work: (index: SqliteProductIndex, dir: string) => Promise<T>) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sqlite-vector-index-'));
  const index = new SqliteProductIndex({ dataDir, binding, readWorkers: WORKERS });
  await index.open();
  try {
    return await work(index, dataDir);
  } finally {
    await index.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const FILTERS: Array<[string, ProductFilter, (doc: ProductDocument) => boolean]> = [
  ['unfiltered', {}, () => true],
  ['1 % (category)', { category: 'c7' }, (doc) => doc.category === 'c7'],
  ['10 % (price)', { minPrice: 3, maxPrice: 3 }, (doc) => doc.price === 3],
  [
    '50 % (tag) + price',
    { tags: ['even'], maxPrice: 4 },
    (d) => d.tags[0] === 'even' && d.price <= 4,
  ],
];

describe.each([
  ['uniform random', uniformVectors],
  ['clustered', clusteredVectors],
])('recall@10 of the in-memory index against an exact scan, %s vectors', (_, make) => {
  it.each([1, 3])('is at least 0.99 with %i photo(s) per product, filtered or not', async (per) => {
    const docs = catalog(make(2000 * per, 11), per);
    const queries = make(15, 99);
    await withIndex(async (index) => {
      await index.upsertMany(docs);
      const below: Array<{ name: string; recall: number }> = [];
      for (const [name, filter, keep] of FILTERS) {
        let found = 0;
        let wanted = 0;
        for (const vector of queries) {
          const truth = exactTop(docs, vector, keep, 10);
          const hits = await index.searchVector({ vector, filter, k: 10 });
          found += hits.filter((hit) => truth.includes(hit.productId)).length;
          wanted += truth.length;
          for (const hit of hits)
            expect(keep(docs.find((d) => d.id === hit.productId)!)).toBe(true);
        }
        expect(wanted).toBe(queries.length * 10);
        if (found / wanted < 0.99) below.push({ name, recall: found / wanted });
      }
      expect(below).toEqual([]);
    });
  });
});

describe('SqliteProductIndex in-memory vector index', () => {
  it('shows a resolved write to a search on every read worker', async () => {
    await withIndex(async (index) => {
      const [a, b] = uniformVectors(2, 5);
      for (let round = 0; round < 10; round++) {
        const vector = round % 2 === 0 ? a! : b!;
        await index.upsert(makeProduct({ id: `r${round}`, vectors: [vector] }));
        // Sent together: the fewest-in-flight dispatch gives each worker one of them.
        const pages = await Promise.all(
          Array.from({ length: WORKERS }, () => index.searchVector({ vector, filter: {}, k: 20 })),
        );
        for (const page of pages) expect(page.map((hit) => hit.productId)).toContain(`r${round}`);
        await index.delete(`r${round}`);
        const after = await Promise.all(
          Array.from({ length: WORKERS }, () => index.searchVector({ vector, filter: {}, k: 20 })),
        );
        for (const page of after)
          expect(page.map((hit) => hit.productId)).not.toContain(`r${round}`);
      }
    });
  });

  it('keeps searches correct while writes run between them', async () => {
    await withIndex(async (index) => {
      const vectors = uniformVectors(300, 6);
      const pending: Array<Promise<void>> = [];
      for (let n = 0; n < 300; n++) {
        const vector = vectors[n]!;
        // Not awaited: searches of earlier rounds are still running on the workers.
        pending.push(
          index.upsert(makeProduct({ id: id(n), vectors: [vector] })).then(async () => {
            const [top] = await index.searchVector({ vector, filter: {}, k: 1 });
            expect(top?.productId).toBe(id(n));
            expect(top?.similarity).toBeCloseTo(1, 5);
          }),
        );
      }
      await Promise.all(pending);
      const everything = await index.searchVector({ vector: vectors[0]!, filter: {}, k: 1000 });
      expect(everything).toHaveLength(300);
    });
  });

  it('grows past its first capacity and every worker sees old and new products', async () => {
    await withIndex(async (index) => {
      // An empty catalog starts with room for 1024 products, images and tags: growths here.
      const vectors = uniformVectors(3600, 8);
      const docs = catalog(vectors, 3);
      for (let start = 0; start < docs.length; start += 300) {
        const outcomes = await index.upsertMany(docs.slice(start, start + 300));
        expect(outcomes.every((outcome) => outcome === null)).toBe(true);
      }
      for (const n of [0, 600, 1199]) {
        const vector = vectors[n * 3 + 2]!;
        const pages = await Promise.all(
          Array.from({ length: WORKERS }, () => index.searchVector({ vector, filter: {}, k: 1 })),
        );
        for (const [top] of pages) {
          expect(top?.productId).toBe(id(n));
          expect(top?.imageId).toBe(docs[n]!.images[2]!.id);
        }
      }
    });
  });

  it('replaces a product’s vectors on upsert, drops them on delete, and rebuilds at open', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sqlite-vector-index-'));
    try {
      const [old, fresh, other] = uniformVectors(3, 9);
      let index = new SqliteProductIndex({ dataDir, binding, readWorkers: 2 });
      await index.open();
      await index.upsert(makeProduct({ id: 'x', vectors: [old!] }));
      await index.upsert(makeProduct({ id: 'y', vectors: [other!] }));
      await index.upsert(makeProduct({ id: 'x', category: 'new', vectors: [other!, fresh!] }));
      const [top] = await index.searchVector({ vector: fresh!, filter: {}, k: 1 });
      expect(top).toMatchObject({ productId: 'x', imageId: 'x#1' });
      expect(top?.similarity).toBeCloseTo(1, 5);
      const byOld = await index.searchVector({ vector: old!, filter: {}, k: 5 });
      expect(byOld.map((hit) => hit.productId).sort()).toEqual(['x', 'y']);
      expect(byOld.every((hit) => hit.similarity < 0.5)).toBe(true);
      expect(
        await index.searchVector({ vector: fresh!, filter: { category: 'general' }, k: 5 }),
      ).toEqual([expect.objectContaining({ productId: 'y' })]);
      await index.close();

      index = new SqliteProductIndex({ dataDir, binding, readWorkers: 2 });
      await index.open();
      const reopened = await index.searchVector({ vector: fresh!, filter: {}, k: 1 });
      expect(reopened).toEqual([top]);
      expect(await index.delete('x')).toBe(true);
      const gone = await index.searchVector({ vector: fresh!, filter: {}, k: 5 });
      expect(gone.map((hit) => hit.productId)).toEqual(['y']);
      await index.close();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
