/**
 * Searches through real HTTP against the real app (toy colour CLIP + a real backend): the
 * expected order follows from the toy model, which maps a mostly-X photo and the word "X" to
 * the same direction. Defined once, run against every backend (graphql-search*.test.ts).
 */
import { photoOf } from '../helpers/images';
import type { TestServer } from '../helpers/test-server';
import { CATALOG, indexCatalog } from './catalog-fixture';
import { describeExampleScenarios } from './example-scenarios';

/** The search server's settings: the local image host of the photo-URL scenarios allowed. */
export const SEARCH_SERVER_ENV: Readonly<Record<string, string>> = {
  IMAGE_FETCH_ALLOW_HOSTS: '127.0.0.1',
  IMAGE_FETCH_RETRIES: '0',
};

interface Edge {
  cursor: string;
  node: {
    score: number;
    product: {
      id: string;
      title: string;
      category: string;
      price: number;
      tags: string[];
      inStock: boolean;
    };
    matchedImage: { id: string; position: number; url: string | null } | null;
  };
}
interface Connection {
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

const SEARCH = `query Search($image: Upload, $text: String, $filter: ProductFilter, $first: Int,
                            $after: String, $minScore: Float, $fusion: FusionInput) {
  similarImages(image: $image, text: $text, filter: $filter, first: $first, after: $after,
                minScore: $minScore, fusion: $fusion) {
    edges {
      cursor
      node {
        score
        product { id title category price tags inStock }
        matchedImage { id position url }
      }
    }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

export function describeSearchScenarios(start: () => Promise<TestServer>): void {
  let server: TestServer;

  beforeAll(async () => {
    server = await start();
    await indexCatalog(server);
  });
  afterAll(() => server?.stop());

  async function search(variables: Record<string, unknown>, photo?: Buffer): Promise<Connection> {
    const response =
      photo === undefined
        ? await server.graphql(SEARCH, variables)
        : await server.upload(SEARCH, variables, {
            'variables.image': { bytes: photo, filename: 'query.jpg', contentType: 'image/jpeg' },
          });
    expect(response.body.errors).toBeUndefined();
    return (response.body.data as { similarImages: Connection }).similarImages;
  }

  const ids = (connection: Connection) => connection.edges.map((e) => e.node.product.id);

  describe('ranking', () => {
    it('text "red" ranks the red product first', async () => {
      const result = await search({ text: 'red' });
      expect(ids(result)[0]).toBe('sku-red');
    });

    it.each(['blue', 'green', 'yellow'])(
      'a JPEG photo of a %s object ranks that product first',
      async (colour) => {
        const result = await search({}, await photoOf(colour, { format: 'jpeg', seed: 99 }));
        expect(ids(result)[0]).toBe(`sku-${colour}`);
        // Image-only scores are cosine similarities, best first.
        const scores = result.edges.map((e) => e.node.score);
        expect([...scores].sort((a, b) => b - a)).toEqual(scores);
        // Float rounding in the backend may overshoot 1 by a hair.
        expect(scores[0]).toBeLessThanOrEqual(1 + 1e-6);
      },
    );

    it('a PNG photo of a blue object with other-coloured patches still finds blue first', async () => {
      const photo = await photoOf('blue', {
        format: 'png',
        seed: 5,
        patchColours: ['red', 'yellow'],
      });
      const result = await search({ first: 3 }, photo);
      expect(ids(result)[0]).toBe('sku-blue');
      expect(result.edges[0]?.node.matchedImage?.id).toMatch(/^sku-blue#[01]$/);
    });

    it('names the matched image of each hit, one hit per product', async () => {
      const result = await search({ first: 100 }, await photoOf('purple'));
      expect(new Set(ids(result)).size).toBe(ids(result).length);
      expect(ids(result)).toHaveLength(CATALOG.length);
      for (const edge of result.edges) {
        expect(edge.node.matchedImage?.id.startsWith(`${edge.node.product.id}#`)).toBe(true);
      }
      const first = result.edges[0]?.node.matchedImage;
      if (first?.position === 0)
        expect(first.url).toBe('https://cdn.example.test/sku-purple/0.png');
    });

    it('image + text together: a yellow photo with the words "yellow backpack"', async () => {
      const result = await search({ text: 'yellow backpack' }, await photoOf('yellow'));
      expect(ids(result)[0]).toBe('sku-yellow');
      // Keyword-only matches are fused in too: every bag appears, not just the nearest colours.
      const bags = CATALOG.filter((p) => p.category === 'bags').map((p) => p.id);
      const all = await search({ text: 'yellow backpack', first: 100 }, await photoOf('yellow'));
      expect(ids(all)).toEqual(expect.arrayContaining(bags));
    });

    it('image + text where the text decides: a photo that is half red, half blue, plus "blue"', async () => {
      const mixed = await photoOf('red', { patchColours: ['blue', 'blue'] });
      const result = await search(
        {
          text: 'blue',
          fusion: { mode: 'LINEAR', imageWeight: 0.2, textWeight: 3, keywordWeight: 1 },
        },
        mixed,
      );
      expect(ids(result)[0]).toBe('sku-blue');
    });
  });

  describe('filters remove what they should and pages stay full', () => {
    it.each<[string, Record<string, unknown>, (p: Edge['node']['product']) => boolean]>([
      ['category', { category: 'bags' }, (p) => p.category === 'bags'],
      ['price range', { minPrice: 30, maxPrice: 70 }, (p) => p.price >= 30 && p.price <= 70],
      ['tags', { tags: ['sale'] }, (p) => p.tags.includes('sale')],
      ['inStock', { inStock: true }, (p) => p.inStock],
      ['out of stock', { inStock: false }, (p) => !p.inStock],
      [
        'combined',
        { category: 'shoes', tags: ['sale', 'new'] },
        (p) => p.category === 'shoes' && p.tags.includes('sale'),
      ],
    ])('%s', async (_name, filter, keep) => {
      const expected = CATALOG.filter((p) => keep({ ...p, tags: [...p.tags] }));
      expect(expected.length).toBeGreaterThan(1);
      expect(expected.length).toBeLessThan(CATALOG.length);
      const first = expected.length - 1;
      // The red photo's nearest products are mostly filtered out: a post-filter would come up short.
      for (const request of [{ photo: await photoOf('red') }, { text: 'red' }]) {
        const result = await search(
          { filter, first, ...('text' in request ? { text: request.text } : {}) },
          'photo' in request ? request.photo : undefined,
        );
        expect(result.edges).toHaveLength(first);
        expect(result.edges.every((e) => keep(e.node.product))).toBe(true);
        expect(result.pageInfo.hasNextPage).toBe(true);
      }
    });

    it('a filter nothing matches gives an empty page', async () => {
      const result = await search({ text: 'red', filter: { category: 'hats' } });
      expect(result.edges).toEqual([]);
      expect(result.pageInfo).toEqual({
        hasNextPage: false,
        hasPreviousPage: false,
        endCursor: null,
      });
    });
  });

  describe('minScore', () => {
    it('drops hits below the threshold before paging, and keeps the rest', async () => {
      const photo = await photoOf('orange');
      const all = await search({ first: 100 }, photo);
      const scores = all.edges.map((e) => e.node.score);
      expect(scores.length).toBe(CATALOG.length);
      const threshold = ((scores[1] as number) + (scores[3] as number)) / 2;
      const expected = all.edges
        .filter((e) => e.node.score >= threshold)
        .map((e) => e.node.product.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(scores.length);
      const kept = await search({ first: 100, minScore: threshold }, photo);
      expect(ids(kept)).toEqual(expected);
      expect(kept.edges.every((e) => e.node.score >= threshold)).toBe(true);
      const paged = await search({ first: 1, minScore: threshold }, photo);
      expect(paged.pageInfo.hasNextPage).toBe(expected.length > 1);
    });
  });

  describe('paging with first/after', () => {
    it.each<[string, Record<string, unknown>, boolean]>([
      ['image-only', {}, true],
      ['text (fused)', { text: 'jacket' }, false],
      ['image + text (fused)', { text: 'new' }, true],
    ])(
      '%s: walks every result once and ends with hasNextPage false',
      async (_name, variables, withPhoto) => {
        const photo = withPhoto ? await photoOf('cyan') : undefined;
        const whole = await search({ ...variables, first: 100 }, photo);
        expect(whole.pageInfo.hasNextPage).toBe(false);
        const seen: string[] = [];
        let after: string | null = null;
        for (let page = 0; page < 20; page++) {
          const result: Connection = await search({ ...variables, first: 5, after }, photo);
          seen.push(...ids(result));
          expect(result.pageInfo.hasPreviousPage).toBe(page > 0);
          if (!result.pageInfo.hasNextPage) break;
          expect(result.edges).toHaveLength(5);
          after = result.pageInfo.endCursor;
        }
        expect(seen).toEqual(ids(whole));
        expect(new Set(seen).size).toBe(seen.length);
      },
    );
  });

  describe('examples and photo URLs', () => {
    describeExampleScenarios(() => server);
  });
}
