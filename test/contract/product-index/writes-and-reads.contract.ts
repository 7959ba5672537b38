import type { ProductDocument } from '../../../src/domain/product';
import { expectCode } from '../../helpers/expect-code';
import {
  expectedProduct,
  makeProduct,
  randomUnitVector,
  seededRandom,
  vectorWithSimilarity,
} from '../../helpers/product-fixtures';
import {
  bruteForce,
  catalog,
  CONTRACT_DIMS,
  QUERY,
  upsertAll,
  type ContractContext,
} from './contract-fixtures';

/** upsert, getMany and delete: what is stored is what comes back, and nothing else. */
export function describeWritesAndReads(ctx: ContractContext): void {
  describe('writes and reads', () => {
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
      await upsertAll(ctx.index, [a, b]);
      const got = await ctx.index.getMany(['sku-b', 'nope', 'sku-a']);
      expect(got).toEqual([expectedProduct(b), null, expectedProduct(a)]);
      expect(await ctx.index.getMany([])).toEqual([]);
    });

    it('finds nothing when empty, and a re-upsert replaces rather than adds', async () => {
      const anyVector = randomUnitVector(CONTRACT_DIMS, seededRandom(4));
      expect(await ctx.index.searchVector({ vector: anyVector, filter: {}, k: 10 })).toEqual([]);
      const docs = catalog().slice(0, 5);
      await upsertAll(ctx.index, docs);
      await ctx.index.upsert(docs[0] as ProductDocument);
      const all = await ctx.index.searchVector({ vector: anyVector, filter: {}, k: 100 });
      expect(all.map((hit) => hit.productId).sort()).toEqual(docs.map((doc) => doc.id).sort());
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
      await upsertAll(ctx.index, [old, neighbour]);
      const fresh = makeProduct({
        id: 'lamp',
        title: 'Copper kettle',
        price: 99,
        vectors: [vectorWithSimilarity(CONTRACT_DIMS, 0.2, random)],
      });
      await ctx.index.upsert(fresh);
      expect(await ctx.index.getMany(['lamp'])).toEqual([expectedProduct(fresh)]);
      const hits = await ctx.index.searchVector({ vector: QUERY, filter: {}, k: 10 });
      ctx.expectHits(hits, bruteForce([fresh, neighbour], QUERY, {}, 10));
      expect(await ctx.index.searchKeyword({ text: 'lantern', filter: {}, k: 10 })).toEqual([]);
      const kettle = await ctx.index.searchKeyword({ text: 'kettle', filter: {}, k: 10 });
      expect(kettle.map((h) => h.productId)).toEqual(['lamp']);
    });

    it('deletes a product from storage and from both searches', async () => {
      const docs = [
        makeProduct({ id: 'keep', title: 'wool scarf', vectors: [QUERY] }),
        makeProduct({ id: 'gone', title: 'wool scarf', vectors: [QUERY] }),
      ];
      await upsertAll(ctx.index, docs);
      expect(await ctx.index.delete('gone')).toBe(true);
      expect(await ctx.index.delete('gone')).toBe(false);
      expect(await ctx.index.getMany(['gone', 'keep'])).toEqual([null, expectedProduct(docs[0]!)]);
      const vector = await ctx.index.searchVector({ vector: QUERY, filter: {}, k: 5 });
      expect(vector.map((h) => h.productId)).toEqual(['keep']);
      const words = await ctx.index.searchKeyword({ text: 'scarf', filter: {}, k: 5 });
      expect(words.map((h) => h.productId)).toEqual(['keep']);
    });

    it('rejects vectors of the wrong dims and changes nothing', async () => {
      const doc = makeProduct({ id: 'x', title: 'original', vectors: [QUERY] });
      await ctx.index.upsert(doc);
      const bad = makeProduct({
        id: 'x',
        title: 'changed',
        vectors: [QUERY, new Float32Array(CONTRACT_DIMS + 1)],
      });
      await expectCode(ctx.index.upsert(bad), 'DIMENSION_MISMATCH');
      expect(await ctx.index.getMany(['x'])).toEqual([expectedProduct(doc)]);
      const query = { vector: new Float32Array(CONTRACT_DIMS - 1), filter: {}, k: 1 };
      await expectCode(ctx.index.searchVector(query), 'DIMENSION_MISMATCH');
    });
  });
}
