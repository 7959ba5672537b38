// One search split across the read workers (a catalog of SPLIT_MIN_ROWS rows or more): each
// scans a share of the rows, the merged best are re-scored on one. Exact results, filtered or
// not, and a write resolved before a search is seen whichever share its row falls in.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SqliteProductIndex } from '../../../../src/adapters/sqlite/sqlite-product-index';
import { SPLIT_MIN_ROWS } from '../../../../src/adapters/sqlite/sqlite-read-client';
import type { ProductDocument } from '../../../../src/domain/product';
import {
  cosine,
  makeProduct,
  randomUnitVector,
  seededRandom,
} from '../../../helpers/product-fixtures';

const DIMS = 24;
const PRODUCTS = SPLIT_MIN_ROWS + 1000;
const binding = { modelId: 'split-model', dims: DIMS };
jest.setTimeout(180_000);

const id = (n: number) => `p${String(n).padStart(5, '0')}`;

describe('SqliteProductIndex: one search split across the read workers', () => {
  let dataDir: string;
  let index: SqliteProductIndex;
  let docs: ProductDocument[];
  const random = seededRandom(31);

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sqlite-vector-split-'));
    index = new SqliteProductIndex({ dataDir, binding, readWorkers: 2 });
    await index.open();
    docs = Array.from({ length: PRODUCTS }, (_, n) =>
      makeProduct({
        id: id(n),
        category: `c${n % 100}`,
        vectors: Array.from({ length: 1 + (n % 2) }, () => randomUnitVector(DIMS, random)),
      }),
    );
    for (let start = 0; start < docs.length; start += 2000) {
      await index.upsertMany(docs.slice(start, start + 2000));
    }
  });
  afterAll(async () => {
    await index.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  function exactTop(query: Float32Array, keep: (doc: ProductDocument) => boolean): string[] {
    return docs
      .filter(keep)
      .map((doc) => ({
        id: doc.id,
        s: Math.max(...doc.images.map((image) => cosine(image.vector, query))),
      }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 10)
      .map((hit) => hit.id);
  }

  it.each<[string, { category?: string }]>([
    ['unfiltered', {}],
    ['1 % (category)', { category: 'c7' }],
  ])('finds the exact top 10, %s', async (_, filter) => {
    expect(PRODUCTS).toBeGreaterThanOrEqual(SPLIT_MIN_ROWS);
    let found = 0;
    for (let q = 0; q < 10; q++) {
      const vector = randomUnitVector(DIMS, random);
      const truth = exactTop(
        vector,
        (doc) => filter.category === undefined || doc.category === filter.category,
      );
      const hits = await index.searchVector({ vector, filter, k: 10 });
      expect(hits).toHaveLength(10);
      found += hits.filter((hit) => truth.includes(hit.productId)).length;
    }
    expect(found / 100).toBeGreaterThanOrEqual(0.99);
  });

  it('sees a write resolved before the search, in the first share or the last', async () => {
    const fresh = randomUnitVector(DIMS, random);
    await index.upsert(makeProduct({ id: 'new', vectors: [fresh] }));
    expect((await index.searchVector({ vector: fresh, filter: {}, k: 1 }))[0]).toMatchObject({
      productId: 'new',
      imageId: 'new#0',
    });
    // An early product re-sent: its old row (first share) dies, its new row is the last one.
    const moved = randomUnitVector(DIMS, random);
    await index.upsert(
      makeProduct({ id: id(5), vectors: [randomUnitVector(DIMS, random), moved] }),
    );
    const [top] = await index.searchVector({ vector: moved, filter: {}, k: 1 });
    expect(top).toMatchObject({ productId: id(5), imageId: `${id(5)}#1` });
    expect(top!.similarity).toBeCloseTo(1, 5);
    const old = docs[5]!.images[0]!.vector;
    const byOld = await index.searchVector({ vector: old, filter: {}, k: 3 });
    const ids = byOld.map((hit) => hit.productId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(byOld[0]!.similarity).toBeLessThan(0.999);
    await index.delete('new');
    const gone = await index.searchVector({ vector: fresh, filter: {}, k: 5 });
    expect(gone.map((hit) => hit.productId)).not.toContain('new');
  });

  it('answers searches sent while writes are still resolving', async () => {
    const pending: Array<Promise<void>> = [];
    for (let n = 0; n < 40; n++) {
      const vector = randomUnitVector(DIMS, random);
      pending.push(
        index.upsert(makeProduct({ id: `w${n}`, vectors: [vector] })).then(async () => {
          const [top] = await index.searchVector({ vector, filter: {}, k: 1 });
          expect(top?.productId).toBe(`w${n}`);
        }),
      );
    }
    await Promise.all(pending);
  });
});
