import type { ProductDocument } from '../../../../../src/domain/product';
import type { ProductFilter } from '../../../../../src/domain/search';
import {
  CATEGORIES,
  catalog,
  matches,
  QUERY_PHOTO,
  serviceWith,
  similarity,
} from './shaping-fixture';

const EDGES = [0, 25, 50, 100, 250, 500];
const include = { totalCount: true, facets: true };

/** Counted here from the fixture alone, independently of the stages. */
function expectedCounts(
  docs: readonly ProductDocument[],
  values: (d: ProductDocument) => string[],
) {
  const counts = new Map<string, number>();
  for (const doc of docs)
    for (const v of new Set(values(doc))) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

function expectedPrices(docs: readonly ProductDocument[]) {
  const bounds = [null, ...EDGES, null];
  return bounds.slice(0, -1).map((min, i) => {
    const max = bounds[i + 1] ?? null;
    const count = docs.filter(
      (d) => (min === null || d.price >= min) && (max === null || d.price < max),
    ).length;
    return { min, max, count };
  });
}

describe('totals and facets over the relevant set', () => {
  const docs = catalog();
  const relevant = (filter: ProductFilter, minScore = -Infinity) =>
    docs.filter((d) => matches(d, filter) && similarity(d) >= minScore - 1e-6);

  it('counts every hit within the depth above minScore, and facets with the filter', async () => {
    const { service } = await serviceWith(docs);
    const minScore = 0.5;
    const page = await service.search({ image: QUERY_PHOTO, first: 3, minScore, include });
    const set = relevant({}, minScore);
    expect(set.length).toBeGreaterThan(10);
    expect(set.length).toBeLessThan(docs.length);
    expect(page.totalCount).toBe(set.length);
    expect(page.facets).toEqual({
      categories: expectedCounts(set, (d) => [d.category]),
      tags: expectedCounts(set, (d) => [...d.tags]),
      prices: expectedPrices(set),
    });
    expect(page.edges).toHaveLength(3);
  });

  it('never counts past the search depth', async () => {
    const { service } = await serviceWith(docs, { depth: 12 });
    const page = await service.search({ image: QUERY_PHOTO, include });
    expect(page.totalCount).toBe(12);
  });

  it('is disjunctive: category and price counts ignore their own part of the filter', async () => {
    const { service } = await serviceWith(docs);
    const filter = { category: 'shoes', minPrice: 50, maxPrice: 400, tags: ['new'] };
    const page = await service.search({ image: QUERY_PHOTO, filter, include });
    const { category, minPrice, maxPrice, ...rest } = filter;
    expect(page.totalCount).toBe(relevant(filter).length);
    // Other categories stay visible with the counts they would have once selected.
    expect(page.facets?.categories).toEqual(
      expectedCounts(relevant({ ...rest, minPrice, maxPrice }), (d) => [d.category]),
    );
    expect(page.facets?.categories.map((c) => c.value).sort()).toEqual([...CATEGORIES].sort());
    expect(page.facets?.prices).toEqual(expectedPrices(relevant({ ...rest, category })));
    // Tags use the whole filter.
    expect(page.facets?.tags).toEqual(expectedCounts(relevant(filter), (d) => [...d.tags]));
  });

  it('uses the request price buckets when given', async () => {
    const { service } = await serviceWith(docs);
    const page = await service.search({ image: QUERY_PHOTO, priceBuckets: [100], include });
    expect(page.facets?.prices).toEqual([
      { min: null, max: 100, count: docs.filter((d) => d.price < 100).length },
      { min: 100, max: null, count: docs.filter((d) => d.price >= 100).length },
    ]);
  });

  it('a plain search reads only the page and no product fields or vectors', async () => {
    const { service, index } = await serviceWith(docs);
    const plain = await service.search({ image: QUERY_PHOTO, first: 5 });
    expect(index.knnQueries.map((q) => q.k)).toEqual([6]);
    expect(index.getManyIds).toEqual([]);
    expect(index.vectorReads).toEqual([]);
    expect(plain.totalCount).toBeUndefined();
    expect(plain.facets).toBeUndefined();
    // Asking for a total reads the whole depth, and the page itself does not change.
    const counted = await service.search({
      image: QUERY_PHOTO,
      first: 5,
      include: { totalCount: true },
    });
    expect(index.knnQueries.map((q) => q.k)).toEqual([6, 200]);
    expect(counted.edges).toEqual(plain.edges);
    expect(counted.endCursor).toBe(plain.endCursor);
    // One batched getMany for facets, however many products.
    await service.search({ image: QUERY_PHOTO, first: 5, include: { facets: true } });
    expect(index.getManyIds).toEqual([docs.length]);
  });
});
