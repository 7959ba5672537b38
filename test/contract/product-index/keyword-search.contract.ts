import type { ProductDocument } from '../../../src/domain/product';
import { makeProduct } from '../../helpers/product-fixtures';
import { QUERY, upsertAll, type ContractContext } from './contract-fixtures';

const HOSTILE = [
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
const NO_TERMS = ['', '   ', '"', '()', '* - ^ :', '!!! ---'];

const words = (id: string, title: string, extra: Partial<ProductDocument> = {}) =>
  makeProduct({ id, title, description: 'handmade item', vectors: [QUERY], ...extra });

/** searchKeyword: BM25 over title and description; user text is words, never syntax. */
export function describeKeywordSearch(ctx: ContractContext): void {
  describe('keyword search', () => {
    it('ranks by BM25: more occurrences and more distinct terms rank higher', async () => {
      await upsertAll(ctx.index, [
        words('once', 'lantern copper brass'),
        words('twice', 'lantern lantern brass'),
        words('none', 'copper kettle brass'),
        words('desc', 'plain old thing', { description: 'a lantern for the garden' }),
      ]);
      const one = await ctx.index.searchKeyword({ text: 'lantern', filter: {}, k: 10 });
      const ids = one.map((h) => h.productId);
      expect(ids.sort()).toEqual(['desc', 'once', 'twice']);
      const score = new Map(one.map((h) => [h.productId, h.score]));
      expect(score.get('twice')!).toBeGreaterThan(score.get('once')!);
      expect(one.map((h) => h.score)).toEqual([...one.map((h) => h.score)].sort((a, b) => b - a));
      const two = await ctx.index.searchKeyword({ text: 'LANTERN Copper', filter: {}, k: 10 });
      const rank = two.map((h) => h.productId);
      expect(rank.indexOf('once')).toBeLessThan(rank.indexOf('twice'));
      expect(rank.indexOf('once')).toBeLessThan(rank.indexOf('none'));
      expect(await ctx.index.searchKeyword({ text: 'lantern', filter: {}, k: 1 })).toHaveLength(1);
    });

    it('orders equal scores by productId', async () => {
      await upsertAll(
        ctx.index,
        ['k-c', 'k-a', 'k-b'].map((id) => words(id, 'teapot')),
      );
      const hits = await ctx.index.searchKeyword({ text: 'teapot', filter: {}, k: 10 });
      expect(hits.map((h) => h.productId)).toEqual(['k-a', 'k-b', 'k-c']);
    });

    it('treats query syntax in user text as plain words', async () => {
      const docs = [words('lamp', 'brass lantern'), words('pot', 'clay teapot')];
      await upsertAll(ctx.index, docs);
      for (const text of HOSTILE) {
        const hits = await ctx.index.searchKeyword({ text, filter: {}, k: 10 });
        expect([text, hits.map((h) => h.productId)]).toEqual([
          text,
          expect.arrayContaining(['lamp']),
        ]);
      }
      for (const text of NO_TERMS) {
        expect([text, await ctx.index.searchKeyword({ text, filter: {}, k: 10 })]).toEqual([
          text,
          [],
        ]);
      }
      const stored = await ctx.index.getMany(docs.map((doc) => doc.id));
      expect(stored.map((product) => product?.id)).toEqual(['lamp', 'pot']);
    });
  });
}
