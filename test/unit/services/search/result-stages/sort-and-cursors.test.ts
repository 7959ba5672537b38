import type { ProductDocument } from '../../../../../src/domain/product';
import {
  makeProduct,
  seededRandom,
  vectorWithSimilarity,
} from '../../../../helpers/product-fixtures';
import { expectCode } from '../../../../helpers/expect-code';
import type { SearchPage } from '../../../../../src/services/search/search.service';
import { catalog, DIMS, QUERY_PHOTO, serviceWith, similarity, unit } from './shaping-fixture';

type Sort = 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST';

/** The expected order, from the fixture: sort value, then relevance, then id. */
function sorted(docs: readonly ProductDocument[], sort: Sort): string[] {
  const value = (d: ProductDocument) => (sort === 'NEWEST' ? Date.parse(d.createdAt) : d.price);
  const direction = sort === 'PRICE_ASC' ? 1 : -1;
  return [...docs]
    .sort(
      (a, b) =>
        direction * (value(a) - value(b)) ||
        similarity(b) - similarity(a) ||
        (a.id < b.id ? -1 : 1),
    )
    .map((d) => d.id);
}

const ids = (page: SearchPage) => page.edges.map((e) => e.hit.productId);

describe('sorting the relevant set', () => {
  const docs = catalog(11);

  it.each<Sort>(['PRICE_ASC', 'PRICE_DESC', 'NEWEST'])(
    '%s orders and pages by keyset',
    async (sort) => {
      const { service } = await serviceWith(docs);
      const seen: string[] = [];
      let after: string | undefined;
      for (let n = 0; n < 20; n++) {
        const page = await service.search({ image: QUERY_PHOTO, sort, first: 7, after });
        seen.push(...ids(page));
        if (!page.hasNextPage) break;
        after = page.endCursor ?? undefined;
      }
      expect(seen).toEqual(sorted(docs, sort));
    },
  );

  it('breaks equal prices by relevance, then id', async () => {
    const vectors: Record<string, number[]> = {
      c: [0.9, Math.sqrt(0.19), 0, 0],
      b: [0.8, 0, 0.6, 0],
      a: [0.8, 0, 0, 0.6],
    };
    const same = Object.entries(vectors).map(([id, v]) =>
      makeProduct({ id, price: 20, vectors: [unit(v)] }),
    );
    const { service } = await serviceWith(same);
    const page = await service.search({ image: QUERY_PHOTO, sort: 'PRICE_ASC' });
    // c is the most relevant; a and b tie on relevance too, so the id decides.
    expect(ids(page)).toEqual(['c', 'a', 'b']);
  });

  it('a product added or removed between pages neither repeats nor skips items', async () => {
    const { service, index } = await serviceWith(docs);
    const first = await service.search({ image: QUERY_PHOTO, sort: 'PRICE_ASC', first: 10 });
    const shown = ids(first);
    const random = seededRandom(5);
    const cheapest = docs.find((d) => d.id === shown[0]) as ProductDocument;
    // One product lands before the cursor (cheaper than all shown), one after it; one shown
    // product and one not yet shown are deleted.
    await index.upsert(
      makeProduct({
        id: 'new-cheap',
        price: 0,
        vectors: [vectorWithSimilarity(DIMS, 0.9, random)],
      }),
    );
    await index.upsert(
      makeProduct({
        id: 'new-dear',
        price: 9999,
        vectors: [vectorWithSimilarity(DIMS, 0.9, random)],
      }),
    );
    await index.delete(cheapest.id);
    const later = sorted(docs, 'PRICE_ASC').slice(10);
    await index.delete(later[0] as string);
    const rest: string[] = [];
    let after = first.endCursor ?? undefined;
    for (let n = 0; n < 10 && after !== undefined; n++) {
      const page = await service.search({
        image: QUERY_PHOTO,
        sort: 'PRICE_ASC',
        first: 10,
        after,
      });
      rest.push(...ids(page));
      after = page.hasNextPage ? (page.endCursor ?? undefined) : undefined;
    }
    expect(rest).toEqual([...later.slice(1), 'new-dear']);
  });

  it('refuses a cursor from another order, and sort combined with diversity', async () => {
    const { service } = await serviceWith(docs);
    const byPrice = await service.search({ image: QUERY_PHOTO, sort: 'PRICE_ASC', first: 3 });
    const byRelevance = await service.search({ image: QUERY_PHOTO, first: 3 });
    const cases = [
      service.search({ image: QUERY_PHOTO, after: byPrice.endCursor as string }),
      service.search({ image: QUERY_PHOTO, sort: 'NEWEST', after: byPrice.endCursor as string }),
      service.search({
        image: QUERY_PHOTO,
        sort: 'PRICE_DESC',
        after: byRelevance.endCursor as string,
      }),
      service.search({
        image: QUERY_PHOTO,
        diversity: 0.5,
        after: byRelevance.endCursor as string,
      }),
    ];
    for (const refused of cases) {
      expect((await expectCode(refused, 'BAD_USER_INPUT')).details).toMatchObject({
        argument: 'after',
      });
    }
    const both = service.search({ image: QUERY_PHOTO, sort: 'PRICE_ASC', diversity: 0.3 });
    expect((await expectCode(both, 'BAD_USER_INPUT')).details).toMatchObject({
      argument: 'diversity',
    });
  });
});
