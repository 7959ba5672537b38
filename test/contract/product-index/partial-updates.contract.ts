import type { ProductFilter } from '../../../src/domain/search';
import { makeProduct, randomUnitVector, seededRandom } from '../../helpers/product-fixtures';
import { CONTRACT_DIMS, QUERY, type ContractContext } from './contract-fixtures';

const LATER = '2024-06-01T08:00:00.000Z';

function bitsOf(vector: Float32Array): number[] {
  return Array.from(new Uint32Array(Float32Array.from(vector).buffer));
}

/** updateFields: some catalog fields change at once and durably; images and vectors stay. */
export function describePartialUpdates(ctx: ContractContext): void {
  describe('partial updates', () => {
    it('changes only the given fields and updatedAt, returns the product, null for unknown ids', async () => {
      const random = seededRandom(71);
      const doc = makeProduct({
        id: 'u-1',
        title: 'copper kettle',
        tags: ['kitchen'],
        vectors: [QUERY, randomUnitVector(CONTRACT_DIMS, random)],
      });
      await ctx.index.upsert(doc);
      const updated = await ctx.index.updateFields(
        'u-1',
        { title: 'brass lantern', price: 42.5, tags: ['garden', 'outdoor'], inStock: false },
        LATER,
      );
      const [stored] = await ctx.index.getMany(['u-1']);
      expect(updated).toEqual(stored);
      expect(stored).toMatchObject({
        id: 'u-1',
        title: 'brass lantern',
        description: doc.description,
        category: doc.category,
        price: 42.5,
        currency: doc.currency,
        tags: ['garden', 'outdoor'],
        inStock: false,
        createdAt: doc.createdAt,
        updatedAt: LATER,
      });
      expect(stored?.images.map((image) => image.contentSha256)).toEqual(
        doc.images.map((image) => image.contentSha256),
      );
      expect(await ctx.index.updateFields('nope', { title: 'x' }, LATER)).toBeNull();
      expect(await ctx.index.getMany(['nope'])).toEqual([null]);
    });

    it('keyword search and filters see the new fields at once; vectors stay bit for bit', async () => {
      const doc = makeProduct({ id: 'u-2', title: 'copper kettle', vectors: [QUERY] });
      await ctx.index.upsert(doc);
      await ctx.index.updateFields('u-2', { title: 'brass lantern', category: 'garden' }, LATER);
      const byNew = await ctx.index.searchKeyword({ text: 'lantern', filter: {}, k: 10 });
      expect(byNew.map((hit) => hit.productId)).toEqual(['u-2']);
      expect(await ctx.index.searchKeyword({ text: 'kettle', filter: {}, k: 10 })).toEqual([]);
      const filtered = await ctx.index.searchVector({
        vector: QUERY,
        filter: { category: 'garden' },
        k: 5,
      });
      expect(filtered.map((hit) => hit.productId)).toEqual(['u-2']);
      // Price and stock (what catalogs change all day), then a new tag set.
      await ctx.index.updateFields('u-2', { price: 77, inStock: false }, LATER);
      const ids = async (filter: ProductFilter) =>
        (await ctx.index.searchVector({ vector: QUERY, filter, k: 5 })).map((h) => h.productId);
      expect(await ids({ minPrice: 77, maxPrice: 77, inStock: false })).toEqual(['u-2']);
      expect(await ids({ inStock: true, category: 'garden' })).toEqual([]);
      await ctx.index.updateFields('u-2', { tags: ['sale'] }, LATER);
      expect(await ids({ tags: ['sale'], minPrice: 77 })).toEqual(['u-2']);
      const [vectors] = await ctx.index.getImageVectors(['u-2']);
      expect(vectors?.map((v) => bitsOf(v.vector))).toEqual([bitsOf(QUERY)]);
    });
  });
}
