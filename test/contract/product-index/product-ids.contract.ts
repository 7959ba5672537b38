import { makeProduct, randomUnitVector, seededRandom } from '../../helpers/product-fixtures';
import { CONTRACT_DIMS, type ContractContext } from './contract-fixtures';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** listProductIds: every id once, ascending by UTF-8 bytes, paged strictly after a given id. */
export function describeProductIds(ctx: ContractContext): void {
  describe('product ids in order', () => {
    it('pages through every id once, in UTF-8 byte order, following writes and deletes', async () => {
      const random = seededRandom(91);
      // Upper case sorts before lower case, 'é' (two bytes) after 'z', digits first.
      const ids = ['b-2', 'B-1', 'a-10', 'a-9', 'é-1', 'z', '0'];
      await ctx.index.upsertMany(
        ids.map((id) => makeProduct({ id, vectors: [randomUnitVector(CONTRACT_DIMS, random)] })),
      );
      const expected = [...ids].sort(byBytes);
      expect(expected).toEqual(['0', 'B-1', 'a-10', 'a-9', 'b-2', 'z', 'é-1']);
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page++) {
        const got = await ctx.index.listProductIds(after, 3);
        expect(got.length).toBeLessThanOrEqual(3);
        seen.push(...got);
        if (got.length < 3) break;
        after = got.at(-1);
      }
      expect(seen).toEqual(expected);
      expect(await ctx.index.listProductIds('a-9', 2)).toEqual(['b-2', 'z']);
      // An id that is not stored still places the page.
      expect(await ctx.index.listProductIds('b', 10)).toEqual(['b-2', 'z', 'é-1']);
      expect(await ctx.index.listProductIds(undefined, 0)).toEqual([]);
      await ctx.index.delete('b-2');
      expect(await ctx.index.listProductIds('a-9', 2)).toEqual(['z', 'é-1']);
    });

    it('is empty for an empty index', async () => {
      expect(await ctx.index.listProductIds(undefined, 10)).toEqual([]);
    });
  });
}
