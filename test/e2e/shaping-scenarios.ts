/**
 * Issue 12's result shaping through real HTTP against the real app (toy colour CLIP + a real
 * backend): totals and facets checked against counts computed here from the fixture, the
 * disjunctive rule, sorts with cursors across an insert, diversity, duplicate collapse and
 * nearDuplicateProducts. Defined once, run against every backend (graphql-shaping*.test.ts).
 */
import { photoOf } from '../helpers/images';
import type { TestServer } from '../helpers/test-server';
import type { CatalogProduct } from './catalog-fixture';
import { CATALOG, imageFile, indexCatalog, indexProduct } from './catalog-fixture';

interface FacetCount {
  value: string;
  count: number;
}
interface Connection {
  edges: Array<{
    cursor: string;
    node: {
      score: number;
      product: { id: string; price: number };
      duplicates: Array<{ id: string }>;
    };
  }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  total?: number;
  f?: {
    categories: FacetCount[];
    tags: FacetCount[];
    prices: Array<{ min: number | null; max: number | null; count: number }>;
  };
}

// Aliases and a fragment on purpose: the service must see totalCount and facets selected.
const SEARCH = `query Search($image: Upload, $text: String, $filter: ProductFilter, $first: Int,
    $after: String, $minScore: Float, $sort: SearchSort, $diversity: Float,
    $collapse: Boolean, $threshold: Float, $buckets: [Float!], $withTotals: Boolean!) {
  similarImages(image: $image, text: $text, filter: $filter, first: $first, after: $after,
      minScore: $minScore, sort: $sort, diversity: $diversity, collapseDuplicates: $collapse,
      duplicateThreshold: $threshold, priceBuckets: $buckets) {
    edges { cursor node { score product { id price } duplicates { id } } }
    pageInfo { hasNextPage endCursor }
    ...Totals @include(if: $withTotals)
  }
}
fragment Totals on SearchConnection {
  total: totalCount
  f: facets { categories { value count } tags { value count } prices { min max count } }
}`;

const NEAR_DUPLICATES = `query Near($threshold: Float, $first: Int, $after: String) {
  nearDuplicateProducts(threshold: $threshold, first: $first, after: $after) {
    edges { cursor node { product { id } duplicates { product { id } similarity } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const DELETE = `mutation($id: ID!) { deleteProduct(id: $id) { id } }`;

function counts(
  products: readonly CatalogProduct[],
  values: (p: CatalogProduct) => readonly string[],
) {
  const map = new Map<string, number>();
  for (const p of products) for (const v of new Set(values(p))) map.set(v, (map.get(v) ?? 0) + 1);
  return [...map.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}

function priceCounts(products: readonly CatalogProduct[], edges: readonly number[]) {
  const bounds = [null, ...edges, null];
  return bounds.slice(0, -1).map((min, i) => {
    const max = bounds[i + 1] ?? null;
    const count = products.filter(
      (p) => (min === null || p.price >= min) && (max === null || p.price < max),
    ).length;
    return { min, max, count };
  });
}

const byId = new Map(CATALOG.map((p) => [p.id, p]));
const ids = (c: Connection) => c.edges.map((e) => e.node.product.id);

export function describeShapingScenarios(start: () => Promise<TestServer>): void {
  let server: TestServer;

  beforeAll(async () => {
    server = await start();
    await indexCatalog(server);
  });
  afterAll(() => server?.stop());

  async function search(variables: Record<string, unknown>, photo?: Buffer): Promise<Connection> {
    const vars = { withTotals: false, ...variables };
    const response =
      photo === undefined
        ? await server.graphql(SEARCH, vars)
        : await server.upload(SEARCH, vars, {
            'variables.image': { bytes: photo, filename: 'q.jpg', contentType: 'image/jpeg' },
          });
    expect(response.body.errors).toBeUndefined();
    return (response.body.data as { similarImages: Connection }).similarImages;
  }

  describe('totalCount and facets', () => {
    it('count the hits above minScore, with facets computed from the fixture', async () => {
      const photo = await photoOf('orange');
      const all = await search({ first: 100 }, photo);
      const scores = all.edges.map((e) => e.node.score);
      const threshold = ((scores[3] as number) + (scores[4] as number)) / 2;
      const relevant = all.edges
        .filter((e) => e.node.score >= threshold)
        .map((e) => byId.get(e.node.product.id) as CatalogProduct);
      const result = await search({ first: 2, minScore: threshold, withTotals: true }, photo);
      expect(result.total).toBe(relevant.length);
      expect(result.edges).toHaveLength(2);
      expect(result.f).toEqual({
        categories: counts(relevant, (p) => [p.category]),
        tags: counts(relevant, (p) => p.tags),
        prices: priceCounts(relevant, [0, 25, 50, 100, 250, 500]),
      });
    });

    it('are disjunctive: category and price counts ignore their own part of the filter', async () => {
      // A text query reads every product (kNN within the depth), so the sets follow the filter.
      const filter = { category: 'bags', tags: ['new'], minPrice: 25 };
      const buckets = [30, 60, 90];
      const result = await search({ text: 'backpack', filter, buckets, withTotals: true });
      const where = (keep: (p: CatalogProduct) => boolean) => CATALOG.filter(keep);
      const hasNew = (p: CatalogProduct) => p.tags.includes('new');
      const whole = where((p) => p.category === 'bags' && hasNew(p) && p.price >= 25);
      expect(result.total).toBe(whole.length);
      expect(result.f?.categories).toEqual(
        counts(
          where((p) => hasNew(p) && p.price >= 25),
          (p) => [p.category],
        ),
      );
      expect(result.f?.categories.length).toBe(3);
      expect(result.f?.prices).toEqual(
        priceCounts(
          where((p) => p.category === 'bags' && hasNew(p)),
          buckets,
        ),
      );
      expect(result.f?.tags).toEqual(counts(whole, (p) => p.tags));
    });
  });

  describe('sorting', () => {
    it('PRICE_DESC pages by cursor; a product added between pages neither repeats nor skips', async () => {
      const first = await search({ text: 'shoe', sort: 'PRICE_DESC', first: 5 });
      const expected = [...CATALOG].sort((a, b) => b.price - a.price).map((p) => p.id);
      expect(ids(first)).toEqual(expected.slice(0, 5));
      // One product priced above everything shown (lands before the cursor), one below all.
      const files = [await imageFile('red', 'solid')];
      for (const [id, price] of [
        ['late-dear', 10_000],
        ['late-cheap', 1],
      ] as const) {
        const added = await indexProduct(
          server,
          {
            id,
            title: 'Late item',
            description: 'x',
            category: 'shoes',
            price,
            tags: [],
            inStock: true,
          },
          files,
        );
        expect(added.body.errors).toBeUndefined();
      }
      try {
        const rest: string[] = [];
        let after = first.pageInfo.endCursor;
        for (let n = 0; n < 10 && after !== null; n++) {
          const page = await search({ text: 'shoe', sort: 'PRICE_DESC', first: 5, after });
          rest.push(...ids(page));
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        }
        expect(rest).toEqual([...expected.slice(5), 'late-cheap']);
      } finally {
        for (const id of ['late-dear', 'late-cheap']) await server.graphql(DELETE, { id });
      }
    });

    it('refuses a cursor from another sort', async () => {
      const byPrice = await search({ text: 'shoe', sort: 'PRICE_ASC', first: 2 });
      const response = await server.graphql(SEARCH, {
        text: 'shoe',
        sort: 'NEWEST',
        after: byPrice.pageInfo.endCursor,
        withTotals: false,
      });
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('diversity, near-duplicates', () => {
    // A second listing of the red product: the same photos, so the same vectors.
    const PLANTED = 'dup-red';
    beforeAll(async () => {
      const red = CATALOG.find((p) => p.id === 'sku-red') as CatalogProduct;
      const { colour, ...fields } = red;
      const images = [
        await imageFile(colour, 'solid', 'png'),
        await imageFile(colour, 'photo', 'jpeg'),
      ];
      const response = await indexProduct(
        server,
        { ...fields, id: PLANTED, tags: [...fields.tags] },
        images,
      );
      expect(response.body.errors).toBeUndefined();
    });

    it('diversity 0 answers exactly as no diversity; above 0 the copy leaves the top', async () => {
      const photo = await photoOf('red', { seed: 3 });
      const plain = await search({ first: 3 }, photo);
      expect(await search({ first: 3, diversity: 0 }, photo)).toEqual(plain);
      expect(ids(plain).slice(0, 2).sort()).toEqual([PLANTED, 'sku-red']);
      // An exact copy scores (1 - d) * 1 - d * 1 against any pick: below 0 from d > 0.5 on.
      const diverse = await search({ first: 3, diversity: 0.7 }, photo);
      expect(ids(diverse)[0]).toBe(ids(plain)[0]);
      expect(ids(diverse).slice(0, 2)).not.toContain(ids(plain)[1]);
    });

    it('collapseDuplicates folds the copy into the better-ranked listing', async () => {
      const photo = await photoOf('red', { seed: 3 });
      const plain = await search({ first: 100 }, photo);
      const collapsed = await search({ first: 100, collapse: true, withTotals: true }, photo);
      const top = collapsed.edges[0]?.node;
      expect([top?.product.id, ...(top?.duplicates.map((d) => d.id) ?? [])].sort()).toEqual([
        PLANTED,
        'sku-red',
      ]);
      expect(collapsed.total).toBe(collapsed.edges.length);
      expect(collapsed.edges.length).toBeLessThan(plain.edges.length);
    });

    it('nearDuplicateProducts finds the planted pair, each pair once under the smaller id', async () => {
      const pairs: Array<[string, string, number]> = [];
      let after: string | null = null;
      for (let n = 0; n < 20; n++) {
        const response = await server.graphql(NEAR_DUPLICATES, {
          threshold: 0.99,
          first: 4,
          after,
        });
        expect(response.body.errors).toBeUndefined();
        const connection = (
          response.body.data as {
            nearDuplicateProducts: {
              edges: Array<{
                node: {
                  product: { id: string };
                  duplicates: Array<{ product: { id: string }; similarity: number }>;
                };
              }>;
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
            };
          }
        ).nearDuplicateProducts;
        for (const edge of connection.edges) {
          for (const d of edge.node.duplicates)
            pairs.push([edge.node.product.id, d.product.id, d.similarity]);
        }
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(pairs).toContainEqual([PLANTED, 'sku-red', expect.any(Number)]);
      for (const [a, b, similarity] of pairs) {
        expect(a < b).toBe(true);
        expect(similarity).toBeGreaterThanOrEqual(0.99 - 1e-6);
      }
      expect(new Set(pairs.map(([a, b]) => `${a}/${b}`)).size).toBe(pairs.length);
    });
  });
}
