import { expectCode } from '../../helpers/expect-code';
import { expectedProduct, makeProduct } from '../../helpers/product-fixtures';
import {
  bruteForce,
  catalog,
  CONTRACT_DIMS,
  QUERY,
  type ContractContext,
} from './contract-fixtures';

/** upsertMany: one outcome per document, in order; a bad document fails alone. */
export function describeUpsertMany(ctx: ContractContext): void {
  describe('upsertMany', () => {
    it('writes every document in one call, visible to reads and both searches once resolved', async () => {
      const docs = catalog().map((doc) => ({ ...doc, title: `quilted ${doc.title}` }));
      expect(await ctx.index.upsertMany(docs)).toEqual(docs.map(() => null));
      expect(await ctx.index.getMany(docs.map((doc) => doc.id))).toEqual(docs.map(expectedProduct));
      const hits = await ctx.index.searchVector({ vector: QUERY, filter: {}, k: 10 });
      ctx.expectHits(hits, bruteForce(docs, QUERY, {}, 10));
      const words = await ctx.index.searchKeyword({ text: 'quilted', filter: {}, k: 100 });
      expect(words.map((hit) => hit.productId).sort()).toEqual(docs.map((doc) => doc.id).sort());
    });

    it('fails a document with wrong dims alone, at its place, leaving its old product', async () => {
      const old = makeProduct({ id: 'm-b', title: 'old', vectors: [QUERY] });
      await ctx.index.upsert(old);
      const good = [
        makeProduct({ id: 'm-a', vectors: [QUERY] }),
        makeProduct({ id: 'm-c', vectors: [QUERY] }),
      ];
      const bad = makeProduct({
        id: 'm-b',
        title: 'new',
        vectors: [QUERY, new Float32Array(CONTRACT_DIMS + 1)],
      });
      const outcomes = await ctx.index.upsertMany([good[0]!, bad, good[1]!]);
      expect(outcomes.map((outcome) => outcome?.code ?? null)).toEqual([
        null,
        'DIMENSION_MISMATCH',
        null,
      ]);
      expect(await ctx.index.getMany(['m-a', 'm-b', 'm-c'])).toEqual([
        expectedProduct(good[0]!),
        expectedProduct(old),
        expectedProduct(good[1]!),
      ]);
    });

    it('lets the last of a repeated id win, and does the same as upsert', async () => {
      const first = makeProduct({ id: 'twice', title: 'first', vectors: [QUERY] });
      const last = makeProduct({ id: 'twice', title: 'last', price: 42, vectors: [QUERY] });
      expect(await ctx.index.upsertMany([first, last])).toEqual([null, null]);
      expect(await ctx.index.getMany(['twice'])).toEqual([expectedProduct(last)]);
      expect(await ctx.index.searchKeyword({ text: 'first', filter: {}, k: 5 })).toEqual([]);
      const single = makeProduct({ id: 'single', title: 'last', price: 42, vectors: [QUERY] });
      await ctx.index.upsert(single);
      const [many, one] = await ctx.index.getMany(['twice', 'single']);
      expect({ ...many, id: 'x', images: [] }).toEqual({ ...one, id: 'x', images: [] });
    });

    it('resolves [] for no documents, and rejects as a whole once closed', async () => {
      expect(await ctx.index.upsertMany([])).toEqual([]);
      await ctx.index.close();
      await expectCode(
        ctx.index.upsertMany([makeProduct({ id: 'late', vectors: [QUERY] })]),
        'INDEX_UNAVAILABLE',
      );
      await expectCode(ctx.index.upsertMany([]), 'INDEX_UNAVAILABLE');
    });
  });
}
