import {
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

/** searchVector: a kNN over image vectors, one hit per product, exact cosines. */
export function describeVectorSearch(ctx: ContractContext): void {
  describe('vector search', () => {
    it('matches a brute-force cosine kNN, one hit per product with its best image', async () => {
      const docs = catalog();
      await upsertAll(ctx.index, docs);
      const hits = await ctx.index.searchVector({ vector: QUERY, filter: {}, k: 10 });
      ctx.expectHits(hits, bruteForce(docs, QUERY, {}, 10));
      const random = randomUnitVector(CONTRACT_DIMS, seededRandom(99));
      const all = await ctx.index.searchVector({ vector: random, filter: {}, k: 100 });
      expect(all).toHaveLength(docs.length);
      expect(new Set(all.map((h) => h.productId)).size).toBe(docs.length);
    });

    it('never lets one product crowd the page with several photos', async () => {
      const random = seededRandom(5);
      const many = makeProduct({
        id: 'many',
        vectors: [0.5, 0.95, 0.99, 0.97].map((s) => vectorWithSimilarity(CONTRACT_DIMS, s, random)),
      });
      const others = [0.9, 0.8].map((s, i) =>
        makeProduct({ id: `o${i}`, vectors: [vectorWithSimilarity(CONTRACT_DIMS, s, random)] }),
      );
      await upsertAll(ctx.index, [many, ...others]);
      const hits = await ctx.index.searchVector({ vector: QUERY, filter: {}, k: 3 });
      expect(hits.map((h) => [h.productId, h.imageId])).toEqual([
        ['many', 'many#2'],
        ['o0', 'o0#0'],
        ['o1', 'o1#0'],
      ]);
    });

    it('drops products below minSimilarity', async () => {
      const docs = catalog();
      await upsertAll(ctx.index, docs);
      const hits = await ctx.index.searchVector({
        vector: QUERY,
        filter: {},
        k: 20,
        minSimilarity: 0.75,
      });
      const expected = bruteForce(docs, QUERY, {}, 20).filter((h) => h.similarity >= 0.75);
      expect(expected.length).toBeGreaterThan(2);
      ctx.expectHits(hits, expected);
    });

    it('orders equal similarities by productId', async () => {
      const same = randomUnitVector(CONTRACT_DIMS, seededRandom(21));
      await upsertAll(
        ctx.index,
        ['t-c', 't-a', 't-d', 't-b'].map((id) => makeProduct({ id, vectors: [same] })),
      );
      const hits = await ctx.index.searchVector({ vector: same, filter: {}, k: 3 });
      expect(hits.map((h) => h.productId)).toEqual(['t-a', 't-b', 't-c']);
    });
  });
}
