import type { ProductDocument } from '../../../../../src/domain/product';
import { NearDuplicatesService } from '../../../../../src/services/catalog/near-duplicates.service';
import type { SearchPage } from '../../../../../src/services/search/search.service';
import { expectCode } from '../../../../helpers/expect-code';
import { makeProduct } from '../../../../helpers/product-fixtures';
import { catalog, CountingIndex, DIMS, QUERY_PHOTO, serviceWith, unit } from './shaping-fixture';

const ids = (page: SearchPage) => page.edges.map((e) => e.hit.productId);

/**
 * Three near-identical variants of one item (v1..v3, cosine > 0.99 with each other), closest
 * to the query, then two different items a bit less close but far from the variants.
 */
function variantsAndOthers(): ProductDocument[] {
  const spec: Record<string, number[]> = {
    v1: [0.95, 0.31, 0, 0],
    v2: [0.94, 0.33, 0.01, 0],
    v3: [0.93, 0.35, 0, 0.01],
    other1: [0.9, -0.3, 0.3, 0],
    other2: [0.7, -0.2, -0.3, 0.6],
  };
  return Object.entries(spec).map(([id, v]) => makeProduct({ id, vectors: [unit(v)] }));
}

describe('diversity (maximal marginal relevance)', () => {
  it('diversity 0 is exactly the plain ranking, cursors and all', async () => {
    const { service } = await serviceWith(catalog(4));
    for (const request of [{ first: 5 }, { first: 5, minScore: 0.3 }]) {
      const plain = await service.search({ image: QUERY_PHOTO, ...request });
      const zero = await service.search({ image: QUERY_PHOTO, diversity: 0, ...request });
      expect(zero).toEqual(plain);
      const next = { image: QUERY_PHOTO, ...request, after: plain.endCursor as string };
      expect(await service.search({ ...next, diversity: 0 })).toEqual(await service.search(next));
    }
  });

  it('spreads near-identical variants apart, deterministically', async () => {
    const { service } = await serviceWith(variantsAndOthers());
    const plain = await service.search({ image: QUERY_PHOTO, first: 2 });
    expect(ids(plain)).toEqual(['v1', 'v2']);
    const diverse = await service.search({ image: QUERY_PHOTO, first: 2, diversity: 0.5 });
    expect(ids(diverse)).toEqual(['v1', 'other1']);
    expect(await service.search({ image: QUERY_PHOTO, first: 2, diversity: 0.5 })).toEqual(diverse);
    // Pages follow the same greedy order by offset; every product once.
    const second = await service.search({
      image: QUERY_PHOTO,
      first: 3,
      diversity: 0.5,
      after: diverse.endCursor as string,
    });
    expect([...ids(diverse), ...ids(second)].sort()).toEqual([
      'other1',
      'other2',
      'v1',
      'v2',
      'v3',
    ]);
    expect(second.hasNextPage).toBe(false);
  });

  it('refuses a diversity outside [0, 1]', async () => {
    const { service } = await serviceWith(variantsAndOthers());
    for (const diversity of [-0.1, 1.5, Number.NaN]) {
      const error = await expectCode(
        service.search({ image: QUERY_PHOTO, diversity }),
        'BAD_USER_INPUT',
      );
      expect(error.details).toMatchObject({ argument: 'diversity' });
    }
  });
});

describe('near-duplicate collapse', () => {
  it('folds hits whose matched photos are near-identical into the best one', async () => {
    const { service } = await serviceWith(variantsAndOthers());
    const page = await service.search({
      image: QUERY_PHOTO,
      collapseDuplicates: true,
      include: { totalCount: true },
    });
    expect(ids(page)).toEqual(['v1', 'other1', 'other2']);
    expect(page.edges[0]?.duplicates).toEqual(['v2', 'v3']);
    expect(page.edges[1]?.duplicates).toEqual([]);
    expect(page.totalCount).toBe(3);
    // A threshold above the variants' similarity keeps them apart.
    const strict = await service.search({
      image: QUERY_PHOTO,
      collapseDuplicates: true,
      duplicateThreshold: 0.99999,
    });
    expect(ids(strict)).toHaveLength(5);
  });

  it('uses the photo that matched, not another photo of the product', async () => {
    // x's second photo matches the query; its first photo is a copy of y's only photo.
    const y = makeProduct({ id: 'y', vectors: [unit([0.2, 0, 0, 1])] });
    const x = makeProduct({ id: 'x', vectors: [unit([0.2, 0, 0, 1]), unit([1, 0.1, 0, 0])] });
    const { service } = await serviceWith([x, y]);
    const page = await service.search({ image: QUERY_PHOTO, collapseDuplicates: true });
    expect(ids(page)).toEqual(['x', 'y']);
  });
});

describe('NearDuplicatesService', () => {
  async function serviceOver(docs: ProductDocument[]) {
    const index = new CountingIndex({ modelId: 'fake-model', dims: DIMS });
    await index.open();
    await index.upsertMany(docs);
    const limits = { defaultFirst: 2, maxFirst: 10, neighboursPerPhoto: 3 };
    return { index, service: new NearDuplicatesService(index, limits) };
  }

  it('finds planted pairs once, under the smaller id, paged by product id', async () => {
    const docs = [
      makeProduct({ id: 'a', vectors: [unit([1, 0, 0, 0])] }),
      makeProduct({ id: 'b', vectors: [unit([0, 1, 0, 0]), unit([0, 0, 1, 0])] }),
      makeProduct({ id: 'c', vectors: [unit([0, 0, 0, 1])] }),
      // d repeats b's second photo; e is a's photo slightly changed.
      makeProduct({ id: 'd', vectors: [unit([0, 0.01, 1, 0])] }),
      makeProduct({ id: 'e', vectors: [unit([1, 0.02, 0, 0])] }),
    ];
    const { service, index } = await serviceOver(docs);
    const groups: Array<[string, string[]]> = [];
    let after: string | undefined;
    let pages = 0;
    for (; pages < 10; pages++) {
      const page = await service.find({ threshold: 0.99, first: 2, after });
      groups.push(
        ...page.groups.map((g): [string, string[]] => [
          g.productId,
          g.duplicates.map((d) => d.productId),
        ]),
      );
      if (!page.hasNextPage) break;
      after = page.endCursor ?? undefined;
    }
    expect(groups).toEqual([
      ['a', ['e']],
      ['b', ['d']],
    ]);
    expect(pages).toBe(2);
    // Bounded: k is neighboursPerPhoto + 1 and one kNN per photo.
    expect(index.knnQueries.every((q) => q.k === 4)).toBe(true);
    expect(index.knnQueries).toHaveLength(6);
  });

  it('refuses a bad threshold, first or cursor', async () => {
    const { service } = await serviceOver([]);
    for (const request of [
      { threshold: 0 },
      { threshold: 1.2 },
      { first: 11 },
      { after: 'bm9wZQ' },
    ]) {
      await expectCode(service.find(request), 'BAD_USER_INPUT');
    }
  });
});
