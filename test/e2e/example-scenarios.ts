/**
 * More like this, recommend and search by photo URL through real HTTP against the real app (toy
 * colour CLIP, a real backend), on the catalog search-scenarios.ts indexed: defined once, run on
 * every backend. A real image host on 127.0.0.1 (allow-listed, see SEARCH_SERVER_ENV) serves
 * the photos given by URL.
 *
 * The toy model maps a photo to its colours: every catalog product has a solid photo (#0) and a
 * noisy one (#1) with small white and black patches, so a product's own look-alikes (beside its
 * colour, which no other product has) are sku-white and sku-black.
 */
import type http from 'node:http';
import { photoOf, solidImage } from '../helpers/images';
import type { LocalHttpServer } from '../helpers/local-http-server';
import { startLocalHttpServer } from '../helpers/local-http-server';
import type { TestServer } from '../helpers/test-server';
import { CATALOG } from './catalog-fixture';

interface Hit {
  score: number;
  product: { id: string; category: string };
  matchedImage: { id: string } | null;
}
interface Connection {
  edges: Array<{ node: Hit }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const SEARCH = `query Search($image: Upload, $imageUrl: String, $text: String,
                            $similarTo: [ProductRefInput!], $recommend: RecommendInput,
                            $filter: ProductFilter, $first: Int, $after: String) {
  similarImages(image: $image, imageUrl: $imageUrl, text: $text, similarTo: $similarTo,
                recommend: $recommend, filter: $filter, first: $first, after: $after) {
    edges { node { score product { id category } matchedImage { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PRODUCT_PAGE = `query Page($id: ID!, $first: Int, $filter: ProductFilter) {
  product(id: $id) {
    id title price
    similar(first: $first, filter: $filter) {
      edges { node { score product { id category } matchedImage { id } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const ids = (connection: Connection) => connection.edges.map((e) => e.node.product.id);

export function describeExampleScenarios(server: () => TestServer): void {
  let host: LocalHttpServer;
  let green: Buffer;
  const served: string[] = [];

  beforeAll(async () => {
    green = await photoOf('green', { format: 'jpeg', seed: 21 });
    host = await startLocalHttpServer((req: http.IncomingMessage, res: http.ServerResponse) => {
      served.push(req.url ?? '');
      if (req.url === '/green.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(green);
      else res.writeHead(404).end();
    });
  });
  afterAll(() => host?.close());

  async function query(variables: Record<string, unknown>, photo?: Buffer) {
    const response =
      photo === undefined
        ? await server().graphql(SEARCH, variables)
        : await server().upload(SEARCH, variables, {
            'variables.image': { bytes: photo, filename: 'q.png', contentType: 'image/png' },
          });
    return response.body;
  }

  async function search(variables: Record<string, unknown>, photo?: Buffer): Promise<Connection> {
    const body = await query(variables, photo);
    expect(body.errors).toBeUndefined();
    return (body.data as { similarImages: Connection }).similarImages;
  }

  /** How many model runs (batches) of each kind the service made so far, from /metrics. */
  async function modelRuns(): Promise<Record<'image' | 'text', number>> {
    const text = await (await fetch(`${server().url}/metrics`)).text();
    const runs = (kind: string) => {
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`product_search_embedding_batch_size_count{kind="${kind}"}`));
      return Number(line?.split(' ').pop() ?? 0);
    };
    return { image: runs('image'), text: runs('text') };
  }

  describe('more like this', () => {
    it('by a product: its stored vectors, itself left out, its look-alikes first', async () => {
      const result = await search({ similarTo: [{ productId: 'sku-red' }], first: 100 });
      expect(ids(result)).not.toContain('sku-red');
      expect(ids(result)).toHaveLength(CATALOG.length - 1);
      expect(new Set(ids(result).slice(0, 2))).toEqual(new Set(['sku-white', 'sku-black']));
      const scores = result.edges.map((e) => e.node.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    });

    it('by one photo: the same hits as uploading that photo, the product left out', async () => {
      const byPhoto = await search({
        similarTo: [{ productId: 'sku-red', imageId: 'sku-red#0' }],
        first: 100,
      });
      const uploaded = await search({ first: 100 }, await solidImage('red', 'png'));
      expect(ids(uploaded)[0]).toBe('sku-red');
      const expected = new Map(
        uploaded.edges
          .filter((e) => e.node.product.id !== 'sku-red')
          .map((e) => [e.node.product.id, e.node.score]),
      );
      expect(new Set(ids(byPhoto))).toEqual(new Set(expected.keys()));
      for (const edge of byPhoto.edges) {
        expect(edge.node.score).toBeCloseTo(expected.get(edge.node.product.id)!, 4);
      }
      // The whole product (its noisy photo too) is another query than its solid photo alone.
      const byProduct = await search({ similarTo: [{ productId: 'sku-red' }], first: 100 });
      expect(byProduct.edges[0]!.node.score).toBeGreaterThan(byPhoto.edges[0]!.node.score + 0.01);
    });

    it('stored products are read, never embedded again (no model run on /metrics)', async () => {
      const before = await modelRuns();
      expect(before.image).toBeGreaterThan(0); // indexing the catalog ran the model: it counts
      await search({ similarTo: [{ productId: 'sku-blue' }, { productId: 'sku-cyan' }] });
      await server().graphql(PRODUCT_PAGE, { id: 'sku-pink', first: 4 });
      expect(await modelRuns()).toEqual(before);
    });

    it('filters and pages apply, and a page is never short for the left-out product', async () => {
      const filter = { category: CATALOG.find((p) => p.id === 'sku-red')!.category };
      const expected = CATALOG.filter((p) => p.category === filter.category && p.id !== 'sku-red');
      const first = await search({ similarTo: [{ productId: 'sku-red' }], filter, first: 2 });
      expect(first.edges).toHaveLength(2);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const rest = await search({
        similarTo: [{ productId: 'sku-red' }],
        filter,
        first: 100,
        after: first.pageInfo.endCursor,
      });
      expect([...ids(first), ...ids(rest)].sort()).toEqual(expected.map((p) => p.id).sort());
      expect(rest.pageInfo.hasNextPage).toBe(false);
    });

    it('Product.similar: one query renders a product page with its recommendations', async () => {
      const { body } = await server().graphql(PRODUCT_PAGE, { id: 'sku-red', first: 3 });
      expect(body.errors).toBeUndefined();
      const page = (body.data as { product: { id: string; title: string; similar: Connection } })
        .product;
      expect(page.id).toBe('sku-red');
      expect(page.title).toBe('Red running shoe');
      const direct = await search({ similarTo: [{ productId: 'sku-red' }], first: 3 });
      expect(page.similar).toEqual(direct);
      // With a filter, too.
      const filtered = await server().graphql(PRODUCT_PAGE, {
        id: 'sku-red',
        first: 3,
        filter: { category: 'bags' },
      });
      const similar = (filtered.body.data as { product: { similar: Connection } }).product.similar;
      expect(similar.edges.length).toBeGreaterThan(0);
      expect(similar.edges.every((e) => e.node.product.category === 'bags')).toBe(true);
    });

    it('Product.similar under a list: at most GRAPHQL_MAX_SIMILAR searches per operation', async () => {
      const all = CATALOG.map((p) => p.id);
      const max = server().config.graphql.maxSimilar;
      expect(all.length).toBeGreaterThan(max);
      const { body } = await server().graphql(
        `query($ids: [ID!]!) { products(ids: $ids) { id similar(first: 1) { edges { node { product { id } } } } } }`,
        { ids: all },
      );
      // Only the fields over the limit fail: every product is there, the last ones without.
      const products = (body.data as { products: Array<{ id: string; similar: unknown }> })
        .products;
      expect(products.map((p) => p.id)).toEqual(all);
      expect(products.filter((p) => p.similar !== null)).toHaveLength(max);
      expect(body.errors).toHaveLength(all.length - max);
      for (const error of body.errors ?? []) {
        expect(error.extensions).toMatchObject({
          code: 'QUERY_LIMIT_EXCEEDED',
          details: { limit: 'similar', max },
        });
      }
    });

    it('an unknown product fails with NOT_FOUND naming the example', async () => {
      const body = await query({
        similarTo: [{ productId: 'sku-red' }, { productId: 'sku-nope' }],
      });
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'NOT_FOUND',
        details: { argument: 'similarTo.1', productId: 'sku-nope' },
      });
    });
  });

  describe('recommend', () => {
    it('a negative example pushes its look-alikes down', async () => {
      const positive = [{ product: { productId: 'sku-red' } }];
      const rank = (connection: Connection) => ids(connection).indexOf('sku-black');
      const plain = await search({ recommend: { positive }, first: 100 });
      const pushed = await search({
        recommend: { positive, negative: [{ text: 'black' }] },
        first: 100,
      });
      expect(rank(plain)).toBeLessThan(2);
      expect(rank(pushed)).toBeGreaterThan(rank(plain) + 5);
      // The query now points away from black: sku-black is the least like it of all.
      expect(ids(pushed).at(-1)).toBe('sku-black');
      expect(ids(pushed)).toHaveLength(ids(plain).length);
    });

    it('positives of several kinds together: an uploaded photo, a text and a product', async () => {
      const result = await server().upload(
        SEARCH,
        {
          recommend: {
            positive: [
              { upload: null, weight: 2 },
              { text: 'yellow', weight: 2 },
              { product: { productId: 'sku-orange' } },
            ],
          },
          first: 3,
        },
        {
          'variables.recommend.positive.0.upload': {
            bytes: await photoOf('yellow'),
            filename: 'y.jpg',
            contentType: 'image/jpeg',
          },
        },
      );
      expect(result.body.errors).toBeUndefined();
      const connection = (result.body.data as { similarImages: Connection }).similarImages;
      expect(ids(connection)[0]).toBe('sku-yellow');
      expect(ids(connection)).not.toContain('sku-orange');
    });
  });

  describe('search by photo URL', () => {
    it('fetches the photo from a real host and searches as if it was uploaded', async () => {
      const url = `${host.baseUrl}/green.jpg`;
      const byUrl = await search({ imageUrl: url, first: 5 });
      const uploaded = await search({ first: 5 }, green);
      expect(ids(byUrl)[0]).toBe('sku-green');
      expect(byUrl).toEqual(uploaded);
      expect(served).toContain('/green.jpg');
      const asExample = await search({ recommend: { positive: [{ url }] }, first: 1 });
      expect(ids(asExample)).toEqual(['sku-green']);
    });

    it('refuses a forbidden address with IMAGE_URL_FORBIDDEN, naming the input', async () => {
      const before = served.length;
      const metadata = await query({ imageUrl: 'http://169.254.169.254/latest/meta-data/' });
      expect(metadata.errors?.[0]?.extensions).toMatchObject({
        code: 'IMAGE_URL_FORBIDDEN',
        details: { argument: 'imageUrl' },
      });
      const privateRange = await query({
        recommend: { positive: [{ url: 'http://10.1.2.3/x.jpg' }] },
      });
      expect(privateRange.errors?.[0]?.extensions).toMatchObject({
        code: 'IMAGE_URL_FORBIDDEN',
        details: { argument: 'recommend.positive.0' },
      });
      expect(served.length).toBe(before);
    });

    it('a missing photo fails with IMAGE_FETCH_FAILED naming the input', async () => {
      const body = await query({ imageUrl: `${host.baseUrl}/missing.jpg` });
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'IMAGE_FETCH_FAILED',
        details: { argument: 'imageUrl', httpStatus: 404 },
      });
    });
  });
}
