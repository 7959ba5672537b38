import type { ProductFilter } from '../../../src/domain/search';
import { makeProduct, seededRandom, vectorWithSimilarity } from '../../helpers/product-fixtures';
import {
  bruteForce,
  catalog,
  CONTRACT_DIMS,
  matches,
  QUERY,
  upsertAll,
  type ContractContext,
} from './contract-fixtures';

const FILTERS: Array<[string, ProductFilter]> = [
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

/** Filters apply inside both searches (pre-filter), so a filtered page is never short. */
export function describeFilters(ctx: ContractContext): void {
  describe('filters', () => {
    it.each(FILTERS)('pre-filters the vector search by %s', async (_label, filter) => {
      const docs = catalog();
      await upsertAll(ctx.index, docs);
      const hits = await ctx.index.searchVector({ vector: QUERY, filter, k: 4 });
      ctx.expectHits(hits, bruteForce(docs, QUERY, filter, 4));
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
      await upsertAll(ctx.index, [...decoys, ...targets]);
      const filter = { category: 'target' };
      const hits = await ctx.index.searchVector({ vector: QUERY, filter, k: 5 });
      expect(hits).toHaveLength(5);
      ctx.expectHits(hits, bruteForce(targets, QUERY, filter, 5));
    });

    it('applies the same filters to the keyword search', async () => {
      const docs = catalog().map((doc) => ({ ...doc, title: `velvet ${doc.title}` }));
      await upsertAll(ctx.index, docs);
      const filter = { category: 'shoes', tags: ['red'], inStock: true, minPrice: 15 };
      const hits = await ctx.index.searchKeyword({ text: 'velvet', filter, k: 50 });
      const expected = docs.filter((d) => matches(d, filter)).map((d) => d.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(hits.map((h) => h.productId).sort()).toEqual(expected.sort());
    });
  });
}
