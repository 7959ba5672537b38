import { expectCode } from '../../helpers/expect-code';
import { expectedProduct, makeProduct } from '../../helpers/product-fixtures';
import {
  bruteForce,
  catalog,
  CONTRACT_BINDING,
  CONTRACT_DIMS,
  QUERY,
  upsertAll,
  type ContractContext,
} from './contract-fixtures';

/** open, ping, close and reopen: durability, and the coded errors of a closed index. */
export function describeLifecycle(ctx: ContractContext): void {
  describe('lifecycle and errors', () => {
    it('pings while open and reports INDEX_UNAVAILABLE once closed', async () => {
      const { index } = ctx;
      await expect(index.ping()).resolves.toBeUndefined();
      await index.close();
      await expectCode(index.ping(), 'INDEX_UNAVAILABLE');
      await expectCode(
        index.searchVector({ vector: QUERY, filter: {}, k: 1 }),
        'INDEX_UNAVAILABLE',
      );
      await expectCode(index.searchKeyword({ text: 'x', filter: {}, k: 1 }), 'INDEX_UNAVAILABLE');
      await expectCode(index.getMany(['a']), 'INDEX_UNAVAILABLE');
      await expectCode(index.getImageVectors(['a']), 'INDEX_UNAVAILABLE');
      await expectCode(
        index.upsert(makeProduct({ id: 'a', vectors: [QUERY] })),
        'INDEX_UNAVAILABLE',
      );
      await expectCode(index.delete('a'), 'INDEX_UNAVAILABLE');
      await index.close();
    });

    const reopen = ctx.harness.reopen?.bind(ctx.harness);
    if (reopen === undefined) return;

    it('keeps every acknowledged write across close and reopen', async () => {
      const docs = catalog().slice(0, 6);
      await upsertAll(ctx.index, docs.slice(0, 3));
      expect(await ctx.index.upsertMany(docs.slice(3))).toEqual([null, null, null]);
      await ctx.index.delete(docs[1]!.id);
      await ctx.index.close();
      const again = await ctx.opened(reopen(CONTRACT_BINDING));
      const survivors = docs.filter((d) => d.id !== docs[1]!.id);
      expect(await again.getMany(docs.map((d) => d.id))).toEqual(
        docs.map((d) => (d.id === docs[1]!.id ? null : expectedProduct(d))),
      );
      const vectors = await again.getImageVectors(docs.map((d) => d.id));
      expect(vectors.map((images) => images?.length ?? null)).toEqual(
        docs.map((d) => (d.id === docs[1]!.id ? null : d.images.length)),
      );
      const hits = await again.searchVector({ vector: QUERY, filter: {}, k: 10 });
      ctx.expectHits(hits, bruteForce(survivors, QUERY, {}, 10));
    });

    it('refuses to reopen with other dims', async () => {
      await ctx.index.upsert(makeProduct({ id: 'a', vectors: [QUERY] }));
      await ctx.index.close();
      const other = await reopen({ ...CONTRACT_BINDING, dims: CONTRACT_DIMS * 2 });
      ctx.track(other);
      await expectCode(other.open(), 'DIMENSION_MISMATCH');
    });
  });
}
