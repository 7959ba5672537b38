/**
 * The ProductIndex contract, defined once and run against every adapter (see the port's
 * invariants). Assertions are relationships any correct backend keeps: exact orders only where
 * the fixtures leave gaps wide enough for quantised vectors, BM25 orders only where any BM25
 * agrees, error codes rather than messages.
 */
import type { ProductDocument } from '../../src/domain/product';
import type { ProductFilter, VectorHit } from '../../src/domain/search';
import { isAppError, type ErrorCode } from '../../src/errors/app-error';
import type { ProductIndex, ProductIndexBinding } from '../../src/ports/product-index.port';
import {
  axisVector,
  cosine,
  expectedProduct,
  makeProduct,
  randomUnitVector,
  seededRandom,
  vectorWithSimilarity,
} from '../helpers/product-fixtures';

export interface ProductIndexHarness {
  /** A new, unopened adapter over fresh, empty storage. The suite opens and closes it. */
  create(binding: ProductIndexBinding): Promise<ProductIndex>;
  /** A new, unopened adapter over the storage of the latest create(); omit if meaningless. */
  reopen?(binding: ProductIndexBinding): Promise<ProductIndex>;
  /** Removes all storage made by create(); runs after each test, once adapters are closed. */
  cleanup(): Promise<void>;
  /** How far a reported similarity may stray from exact cosine (quantised backends). */
  readonly similarityTolerance?: number;
}

export const CONTRACT_DIMS = 16;
export const CONTRACT_BINDING: ProductIndexBinding = {
  modelId: 'contract-model',
  dims: CONTRACT_DIMS,
};
const QUERY = axisVector(CONTRACT_DIMS, 0);

/** Reference kNN: best image per product by exact cosine, filter applied first. */
function bruteForce(
  docs: readonly ProductDocument[],
  vector: Float32Array,
  filter: ProductFilter,
  k: number,
): VectorHit[] {
  const hits = docs
    .filter((doc) => matches(doc, filter) && doc.images.length > 0)
    .map((doc) => {
      const scored = doc.images.map((image) => ({ image, s: cosine(image.vector, vector) }));
      const best = scored.reduce((a, b) => (b.s > a.s ? b : a));
      return { productId: doc.id, imageId: best.image.id, similarity: best.s };
    });
  hits.sort((a, b) => b.similarity - a.similarity || cmp(a.productId, b.productId));
  return hits.slice(0, k);
}

function matches(doc: ProductDocument, f: ProductFilter): boolean {
  return (
    (f.category === undefined || doc.category === f.category) &&
    (f.minPrice === undefined || doc.price >= f.minPrice) &&
    (f.maxPrice === undefined || doc.price <= f.maxPrice) &&
    (f.inStock === undefined || doc.inStock === f.inStock) &&
    (f.tags ?? []).every((tag) => doc.tags.includes(tag))
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(isAppError(error) ? error.code : error).toBe(code);
}

/** A varied catalog whose best similarities to QUERY are 0.04 apart (wide enough for int8). */
function catalog(): ProductDocument[] {
  const random = seededRandom(7);
  const categories = ['shoes', 'bags', 'hats'];
  const tagSets = [['red'], ['red', 'sale'], ['sale'], [], ['red', 'sale', 'new']];
  return Array.from({ length: 24 }, (_, n) => {
    const best = 0.97 - n * 0.04;
    const images = Array.from({ length: 1 + (n % 3) }, (_, i) =>
      vectorWithSimilarity(CONTRACT_DIMS, best - i * 0.3, random),
    );
    // Put the best image at a varying position so "first image" is never the right answer.
    images.reverse();
    return makeProduct({
      id: `p${String((n * 7) % 24).padStart(2, '0')}`,
      vectors: images,
      category: categories[n % 3] as string,
      price: 10 + (n % 6) * 5,
      tags: tagSets[n % 5] as string[],
      inStock: n % 4 !== 0,
    });
  });
}

export function describeProductIndexContract(name: string, harness: ProductIndexHarness): void {
  const tolerance = harness.similarityTolerance ?? 1e-5;

  describe(`ProductIndex contract: ${name}`, () => {
    const adapters: ProductIndex[] = [];
    let index: ProductIndex;

    async function opened(adapter: Promise<ProductIndex>): Promise<ProductIndex> {
      const ready = await adapter;
      adapters.push(ready);
      await ready.open();
      return ready;
    }

    async function upsertAll(docs: readonly ProductDocument[]): Promise<void> {
      for (const doc of docs) await index.upsert(doc);
    }

    function expectHits(actual: VectorHit[], expected: VectorHit[]): void {
      expect(actual.map((h) => [h.productId, h.imageId])).toEqual(
        expected.map((h) => [h.productId, h.imageId]),
      );
      actual.forEach((hit, i) => {
        expect(
          Math.abs(hit.similarity - (expected[i] as VectorHit).similarity),
        ).toBeLessThanOrEqual(tolerance);
      });
    }

    beforeEach(async () => {
      index = await opened(harness.create(CONTRACT_BINDING));
    });

    afterEach(async () => {
      for (const adapter of adapters.splice(0)) await adapter.close();
      await harness.cleanup();
    });

    describe('storage', () => {
      it('returns stored products in the order asked, null for unknown ids', async () => {
        const a = makeProduct({
          id: 'sku-a',
          vectors: [randomUnitVector(CONTRACT_DIMS, seededRandom(1))],
          title: 'Linen shirt',
          description: 'Soft, breathable — très léger.',
          category: 'shirts',
          price: 19.99,
          currency: 'EUR',
          tags: ['summer', 'linen'],
          inStock: false,
        });
        const b = makeProduct({
          id: 'sku-b',
          vectors: [0, 1, 2].map((s) => randomUnitVector(CONTRACT_DIMS, seededRandom(10 + s))),
        });
        await upsertAll([a, b]);
        const got = await index.getMany(['sku-b', 'nope', 'sku-a']);
        expect(got).toEqual([expectedProduct(b), null, expectedProduct(a)]);
        expect(await index.getMany([])).toEqual([]);
      });

      it('counts products, and a re-upsert replaces rather than adds', async () => {
        expect(await index.count()).toBe(0);
        const docs = catalog().slice(0, 5);
        await upsertAll(docs);
        await index.upsert(docs[0] as ProductDocument);
        expect(await index.count()).toBe(5);
      });

      it('re-upsert replaces fields, images, vectors and words', async () => {
        const random = seededRandom(3);
        const old = makeProduct({
          id: 'lamp',
          title: 'Brass lantern',
          vectors: [QUERY, vectorWithSimilarity(CONTRACT_DIMS, 0.9, random)],
        });
        const neighbour = makeProduct({
          id: 'other',
          vectors: [vectorWithSimilarity(CONTRACT_DIMS, 0.5, random)],
        });
        await upsertAll([old, neighbour]);
        const fresh = makeProduct({
          id: 'lamp',
          title: 'Copper kettle',
          price: 99,
          vectors: [vectorWithSimilarity(CONTRACT_DIMS, 0.2, random)],
        });
        await index.upsert(fresh);
        expect(await index.getMany(['lamp'])).toEqual([expectedProduct(fresh)]);
        const hits = await index.searchVector({ vector: QUERY, filter: {}, k: 10 });
        expectHits(hits, bruteForce([fresh, neighbour], QUERY, {}, 10));
        expect(await index.searchKeyword({ text: 'lantern', filter: {}, k: 10 })).toEqual([]);
        const kettle = await index.searchKeyword({ text: 'kettle', filter: {}, k: 10 });
        expect(kettle.map((h) => h.productId)).toEqual(['lamp']);
      });

      it('deletes a product from storage and from both searches', async () => {
        const docs = [
          makeProduct({ id: 'keep', title: 'wool scarf', vectors: [QUERY] }),
          makeProduct({ id: 'gone', title: 'wool scarf', vectors: [QUERY] }),
        ];
        await upsertAll(docs);
        expect(await index.delete('gone')).toBe(true);
        expect(await index.delete('gone')).toBe(false);
        expect(await index.getMany(['gone', 'keep'])).toEqual([null, expectedProduct(docs[0]!)]);
        expect(await index.count()).toBe(1);
        const vector = await index.searchVector({ vector: QUERY, filter: {}, k: 5 });
        expect(vector.map((h) => h.productId)).toEqual(['keep']);
        const words = await index.searchKeyword({ text: 'scarf', filter: {}, k: 5 });
        expect(words.map((h) => h.productId)).toEqual(['keep']);
      });

      it('rejects vectors of the wrong dims and changes nothing', async () => {
        const doc = makeProduct({ id: 'x', title: 'original', vectors: [QUERY] });
        await index.upsert(doc);
        const bad = makeProduct({
          id: 'x',
          title: 'changed',
          vectors: [QUERY, new Float32Array(CONTRACT_DIMS + 1)],
        });
        await expectCode(index.upsert(bad), 'DIMENSION_MISMATCH');
        expect(await index.getMany(['x'])).toEqual([expectedProduct(doc)]);
        const query = { vector: new Float32Array(CONTRACT_DIMS - 1), filter: {}, k: 1 };
        await expectCode(index.searchVector(query), 'DIMENSION_MISMATCH');
      });
    });

    describe('vector search', () => {
      it('matches a brute-force cosine kNN, one hit per product with its best image', async () => {
        const docs = catalog();
        await upsertAll(docs);
        const hits = await index.searchVector({ vector: QUERY, filter: {}, k: 10 });
        expectHits(hits, bruteForce(docs, QUERY, {}, 10));
        const random = randomUnitVector(CONTRACT_DIMS, seededRandom(99));
        const all = await index.searchVector({ vector: random, filter: {}, k: 100 });
        expect(all).toHaveLength(docs.length);
        expect(new Set(all.map((h) => h.productId)).size).toBe(docs.length);
      });

      it('never lets one product crowd the page with several photos', async () => {
        const random = seededRandom(5);
        const many = makeProduct({
          id: 'many',
          vectors: [0.5, 0.95, 0.99, 0.97].map((s) =>
            vectorWithSimilarity(CONTRACT_DIMS, s, random),
          ),
        });
        const others = [0.9, 0.8].map((s, i) =>
          makeProduct({ id: `o${i}`, vectors: [vectorWithSimilarity(CONTRACT_DIMS, s, random)] }),
        );
        await upsertAll([many, ...others]);
        const hits = await index.searchVector({ vector: QUERY, filter: {}, k: 3 });
        expect(hits.map((h) => [h.productId, h.imageId])).toEqual([
          ['many', 'many#2'],
          ['o0', 'o0#0'],
          ['o1', 'o1#0'],
        ]);
      });

      it('drops products below minSimilarity', async () => {
        const docs = catalog();
        await upsertAll(docs);
        const hits = await index.searchVector({
          vector: QUERY,
          filter: {},
          k: 20,
          minSimilarity: 0.75,
        });
        const expected = bruteForce(docs, QUERY, {}, 20).filter((h) => h.similarity >= 0.75);
        expect(expected.length).toBeGreaterThan(2);
        expectHits(hits, expected);
      });

      const filters: Array<[string, ProductFilter]> = [
        ['category', { category: 'bags' }],
        ['minPrice (inclusive)', { minPrice: 25 }],
        ['maxPrice (inclusive)', { maxPrice: 20 }],
        ['price range', { minPrice: 15, maxPrice: 25 }],
        ['one tag', { tags: ['sale'] }],
        ['all of several tags', { tags: ['red', 'sale'] }],
        ['inStock true', { inStock: true }],
        ['inStock false', { inStock: false }],
        ['combined', { category: 'shoes', maxPrice: 30, tags: ['red'], inStock: true }],
        ['nothing matches', { category: 'no-such-category' }],
      ];
      it.each(filters)('pre-filters by %s', async (_label, filter) => {
        const docs = catalog();
        await upsertAll(docs);
        const hits = await index.searchVector({ vector: QUERY, filter, k: 4 });
        expectHits(hits, bruteForce(docs, QUERY, filter, 4));
      });

      it('fills a filtered page even when every nearest product is filtered out', async () => {
        const random = seededRandom(11);
        const decoys = Array.from({ length: 40 }, (_, n) =>
          makeProduct({
            id: `decoy${String(n).padStart(2, '0')}`,
            category: 'decoy',
            vectors: [vectorWithSimilarity(CONTRACT_DIMS, 0.99, random)],
          }),
        );
        const targets = Array.from({ length: 8 }, (_, n) =>
          makeProduct({
            id: `target${n}`,
            category: 'target',
            vectors: [vectorWithSimilarity(CONTRACT_DIMS, 0.6 - n * 0.05, random)],
          }),
        );
        await upsertAll([...decoys, ...targets]);
        const filter = { category: 'target' };
        const hits = await index.searchVector({ vector: QUERY, filter, k: 5 });
        expect(hits).toHaveLength(5);
        expectHits(hits, bruteForce(targets, QUERY, filter, 5));
      });

      it('orders equal similarities by productId', async () => {
        const same = randomUnitVector(CONTRACT_DIMS, seededRandom(21));
        await upsertAll(
          ['t-c', 't-a', 't-d', 't-b'].map((id) => makeProduct({ id, vectors: [same] })),
        );
        const hits = await index.searchVector({ vector: same, filter: {}, k: 3 });
        expect(hits.map((h) => h.productId)).toEqual(['t-a', 't-b', 't-c']);
      });
    });

    describe('keyword search', () => {
      const words = (id: string, title: string, extra: Partial<ProductDocument> = {}) =>
        makeProduct({ id, title, description: 'handmade item', vectors: [QUERY], ...extra });

      it('ranks by BM25: more occurrences and more distinct terms rank higher', async () => {
        await upsertAll([
          words('once', 'lantern copper brass'),
          words('twice', 'lantern lantern brass'),
          words('none', 'copper kettle brass'),
          words('desc', 'plain old thing', { description: 'a lantern for the garden' }),
        ]);
        const one = await index.searchKeyword({ text: 'lantern', filter: {}, k: 10 });
        const ids = one.map((h) => h.productId);
        expect(ids.sort()).toEqual(['desc', 'once', 'twice']);
        const score = new Map(one.map((h) => [h.productId, h.score]));
        expect(score.get('twice')!).toBeGreaterThan(score.get('once')!);
        expect(one.map((h) => h.score)).toEqual([...one.map((h) => h.score)].sort((a, b) => b - a));
        const two = await index.searchKeyword({ text: 'LANTERN Copper', filter: {}, k: 10 });
        const rank = two.map((h) => h.productId);
        expect(rank.indexOf('once')).toBeLessThan(rank.indexOf('twice'));
        expect(rank.indexOf('once')).toBeLessThan(rank.indexOf('none'));
        expect(await index.searchKeyword({ text: 'lantern', filter: {}, k: 1 })).toHaveLength(1);
      });

      it('applies the same filters', async () => {
        const docs = catalog().map((doc) => ({ ...doc, title: `velvet ${doc.title}` }));
        await upsertAll(docs);
        const filter = { category: 'shoes', tags: ['red'], inStock: true, minPrice: 15 };
        const hits = await index.searchKeyword({ text: 'velvet', filter, k: 50 });
        const expected = docs.filter((d) => matches(d, filter)).map((d) => d.id);
        expect(expected.length).toBeGreaterThan(0);
        expect(hits.map((h) => h.productId).sort()).toEqual(expected.sort());
      });

      it('orders equal scores by productId', async () => {
        await upsertAll(['k-c', 'k-a', 'k-b'].map((id) => words(id, 'teapot')));
        const hits = await index.searchKeyword({ text: 'teapot', filter: {}, k: 10 });
        expect(hits.map((h) => h.productId)).toEqual(['k-a', 'k-b', 'k-c']);
      });

      it('treats query syntax in user text as plain words', async () => {
        await upsertAll([words('lamp', 'brass lantern'), words('pot', 'clay teapot')]);
        const hostile = [
          'lantern"',
          '"lantern',
          '(lantern',
          'lantern)',
          'lantern*',
          '-lantern',
          'lantern NEAR teapot',
          'NEAR(lantern teapot, 2)',
          'lantern OR',
          'AND lantern NOT',
          "lantern'; DROP TABLE products; --",
          'lantern^2',
          '{lantern}',
          'lantern + ~teapot',
        ];
        for (const text of hostile) {
          const hits = await index.searchKeyword({ text, filter: {}, k: 10 });
          expect([text, hits.map((h) => h.productId)]).toEqual([
            text,
            expect.arrayContaining(['lamp']),
          ]);
        }
        for (const text of ['', '   ', '"', '()', '* - ^ :', '!!! ---']) {
          expect([text, await index.searchKeyword({ text, filter: {}, k: 10 })]).toEqual([
            text,
            [],
          ]);
        }
        expect(await index.count()).toBe(2);
      });
    });

    describe('lifecycle', () => {
      it('pings while open and reports INDEX_UNAVAILABLE once closed', async () => {
        await expect(index.ping()).resolves.toBeUndefined();
        await index.close();
        await expectCode(index.ping(), 'INDEX_UNAVAILABLE');
        await expectCode(
          index.searchVector({ vector: QUERY, filter: {}, k: 1 }),
          'INDEX_UNAVAILABLE',
        );
        await index.close();
      });

      if (harness.reopen === undefined) return;
      const reopen = harness.reopen.bind(harness);

      it('keeps every acknowledged write across close and reopen', async () => {
        const docs = catalog().slice(0, 6);
        await upsertAll(docs);
        await index.delete(docs[1]!.id);
        await index.close();
        const again = await opened(reopen(CONTRACT_BINDING));
        const survivors = docs.filter((d) => d.id !== docs[1]!.id);
        expect(await again.count()).toBe(survivors.length);
        expect(await again.getMany(docs.map((d) => d.id))).toEqual(
          docs.map((d) => (d.id === docs[1]!.id ? null : expectedProduct(d))),
        );
        const hits = await again.searchVector({ vector: QUERY, filter: {}, k: 3 });
        expectHits(hits, bruteForce(survivors, QUERY, {}, 3));
      });

      it('refuses to reopen with other dims', async () => {
        await index.upsert(makeProduct({ id: 'a', vectors: [QUERY] }));
        await index.close();
        const other = await reopen({ ...CONTRACT_BINDING, dims: CONTRACT_DIMS * 2 });
        adapters.push(other);
        await expectCode(other.open(), 'DIMENSION_MISMATCH');
      });
    });
  });
}
