import { Readable } from 'node:stream';
import type { ApolloServer } from '@apollo/server';
import { Upload } from 'graphql-upload-ts';
import pino from 'pino';
import type { Product } from '../../../src/domain/product';
import { IndexUnavailableError } from '../../../src/errors/app-error';
import { createApolloServer } from '../../../src/graphql/apollo-server';
import type { GraphqlContext, GraphqlServices } from '../../../src/graphql/context';
import { NearDuplicatesService } from '../../../src/services/catalog/near-duplicates.service';
import { createGraphqlContext } from '../../../src/graphql/context';
import { IndexingService } from '../../../src/services/indexing/indexing.service';
import type { ProductInput } from '../../../src/services/indexing/product-input';
import { SearchService } from '../../../src/services/search/search.service';
import { MapPhotoFetcher } from '../../fakes/photo-fakes';
import { RecordingEmbedder } from '../../fakes/recording-embedder';
import { ScriptedIndex } from '../../fakes/scripted-product-index';
import { searchLimits } from '../../helpers/search-limits';
import type { SearchPage, SearchRequest } from '../../../src/services/search/search.service';
import { accessFor } from '../../fakes/in-memory-api-key-store';

const logger = pino({ level: 'silent' });

function product(id: string, overrides: Partial<Product> = {}): Product {
  return {
    id,
    title: `Product ${id}`,
    description: '',
    category: 'shoes',
    price: 10,
    currency: 'USD',
    tags: [],
    inStock: true,
    images: [0, 1].map((position) => ({
      id: `${id}#${position}`,
      position,
      url: null,
      filename: `${id}-${position}.png`,
      contentSha256: 'ab'.repeat(32),
      width: 4,
      height: 4,
    })),
    modelId: 'fake',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Records every call; answers from a map of products and a scripted search page. */
class RecordingServices implements GraphqlServices {
  readonly getProductsCalls: string[][] = [];
  readonly searchCalls: SearchRequest[] = [];
  readonly indexCalls: ProductInput[] = [];
  readonly products = new Map<string, Product>();
  page: SearchPage = { edges: [], hasNextPage: false, hasPreviousPage: false, endCursor: null };
  failGetProducts: Error | undefined;
  readonly access = accessFor();
  readonly feedback = { record: () => Promise.reject(new Error('not used')) };
  readonly nearDuplicates = {
    find: () => Promise.reject(new Error('not used by these tests')),
  };

  readonly search = {
    search: async (request: SearchRequest): Promise<SearchPage> => {
      this.searchCalls.push(request);
      return this.page;
    },
  };

  readonly indexing = {
    getProducts: async (ids: readonly string[]): Promise<Array<Product | null>> => {
      this.getProductsCalls.push([...ids]);
      if (this.failGetProducts !== undefined) throw this.failGetProducts;
      return ids.map((id) => this.products.get(id) ?? null);
    },
    indexProduct: async (input: ProductInput): Promise<Product> => {
      this.indexCalls.push(input);
      const stored = product(input.id, { title: input.title });
      this.products.set(input.id, stored);
      return stored;
    },
    deleteProduct: async (id: string): Promise<boolean> => this.products.delete(id),
    indexProducts: () => Promise.reject(new Error('not used')),
    updateProduct: () => Promise.reject(new Error('not used')),
    addProductPhotos: () => Promise.reject(new Error('not used')),
    removeProductPhotos: () => Promise.reject(new Error('not used')),
  };
}

function uploadOf(bytes: Buffer, filename = 'photo.png'): Upload {
  const upload = new Upload();
  upload.resolve({
    filename,
    fieldName: '0',
    mimetype: 'image/png',
    encoding: '7bit',
    // Two chunks, so the byte limit is checked across chunk boundaries.
    createReadStream: () => Readable.from([bytes.subarray(0, 3), bytes.subarray(3)]) as never,
    capacitor: undefined as never,
  });
  return upload;
}

let server: ApolloServer<GraphqlContext>;
let services: RecordingServices;

beforeAll(async () => {
  server = createApolloServer({ nodeEnv: 'test', logger });
  await server.start();
});
afterAll(() => server.stop());
beforeEach(() => {
  services = new RecordingServices();
});

async function run(
  query: string,
  variables: Record<string, unknown> = {},
  maxUploadBytes = 100,
  with_: GraphqlServices = services,
) {
  const contextValue = createGraphqlContext({
    requestId: 'test',
    logger,
    services: with_,
    limits: { maxUploadBytes, maxSimilar: 10 },
    principal: { kind: 'anonymous' },
  });
  const response = await server.executeOperation({ query, variables }, { contextValue });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult;
}

describe('product loading through the per-request DataLoader', () => {
  it('answers product and products with one getProducts call per request', async () => {
    services.products.set('a', product('a'));
    services.products.set('b', product('b'));
    const result = await run(
      `{ one: product(id: "a") { id } many: products(ids: ["b", "zz", "a"]) { id title } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      one: { id: 'a' },
      many: [{ id: 'b', title: 'Product b' }, null, { id: 'a', title: 'Product a' }],
    });
    expect(services.getProductsCalls).toHaveLength(1);
    expect([...(services.getProductsCalls[0] ?? [])].sort()).toEqual(['a', 'b', 'zz']);
  });

  it('reads the index once per request (getMany) through the real IndexingService', async () => {
    const index = new ScriptedIndex();
    index.products.set('a', product('a'));
    index.products.set('b', product('b'));
    const embedder = new RecordingEmbedder();
    const real: GraphqlServices = {
      search: new SearchService(embedder, index, searchLimits()),
      indexing: new IndexingService(
        embedder,
        index,
        { maxImagesPerProduct: 5, maxBatch: 10, fetchConcurrency: 1 },
        { photoFetcher: new MapPhotoFetcher(), photoStore: null },
      ),
      access: accessFor(),
      feedback: services.feedback,
      nearDuplicates: new NearDuplicatesService(index, {
        defaultFirst: 5,
        maxFirst: 10,
        neighboursPerPhoto: 5,
      }),
    };
    const result = await run(
      `{ x: product(id: "a") { id } y: product(id: "b") { id } z: products(ids: ["a", "q"]) { id } }`,
      {},
      100,
      real,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ x: { id: 'a' }, y: { id: 'b' }, z: [{ id: 'a' }, null] });
    expect(index.getManyCalls).toHaveLength(1);
    expect([...(index.getManyCalls[0] ?? [])].sort()).toEqual(['a', 'b', 'q']);
  });

  it('does not share the cache between requests', async () => {
    services.products.set('a', product('a'));
    await run(`{ product(id: "a") { id } }`);
    await run(`{ product(id: "a") { id } }`);
    expect(services.getProductsCalls).toEqual([['a'], ['a']]);
  });

  it('reports a backend failure with its own code on every key', async () => {
    services.failGetProducts = new IndexUnavailableError('index down');
    const result = await run(`{ products(ids: ["a", "b"]) { id } }`);
    expect(result.data).toEqual({ products: [null, null] });
    expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['products', 0], 'INDEX_UNAVAILABLE'],
      [['products', 1], 'INDEX_UNAVAILABLE'],
    ]);
  });
});

describe('DateTime fields', () => {
  it('answer the stored ISO 8601 string exactly, and introspect as before', async () => {
    services.products.set('a', product('a', { updatedAt: '2026-02-03T04:05:06.789Z' }));
    const result = await run(`{
      product(id: "a") { createdAt updatedAt }
      __type(name: "DateTime") { name description specifiedByURL }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      product: { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-02-03T04:05:06.789Z' },
      __type: { name: 'DateTime', description: 'ISO 8601 date-time string.', specifiedByURL: null },
    });
  });
});

describe('similarImages', () => {
  const query = `query($image: Upload, $text: String, $fusion: FusionInput, $filter: ProductFilter) {
    similarImages(image: $image, text: $text, first: 2, after: "c", minScore: 0.5,
                  filter: $filter, fusion: $fusion) {
      edges { cursor node { score product { id } matchedImage { id position } } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }`;

  it('maps arguments onto a SearchRequest and hits onto products and their matched image', async () => {
    services.products.set('a', product('a'));
    services.products.set('b', product('b'));
    services.page = {
      edges: [
        { hit: { productId: 'b', imageId: 'b#1', score: 0.9 }, cursor: 'c1' },
        { hit: { productId: 'a', imageId: null, score: 0.4 }, cursor: 'c2' },
      ],
      hasNextPage: true,
      hasPreviousPage: false,
      endCursor: 'c2',
    };
    const result = await run(query, {
      image: uploadOf(Buffer.from('0123456789')),
      text: 'red',
      filter: { category: 'shoes', tags: ['x'], minPrice: null },
      fusion: { mode: 'LINEAR', imageWeight: 2, keywordWeight: 0 },
    });
    expect(result.errors).toBeUndefined();
    const request = services.searchCalls[0];
    expect(Buffer.from(request?.image ?? []).toString()).toBe('0123456789');
    expect({ ...request, image: undefined }).toEqual({
      image: undefined,
      text: 'red',
      filter: {
        category: 'shoes',
        tags: ['x'],
        minPrice: undefined,
        maxPrice: undefined,
        inStock: undefined,
      },
      first: 2,
      after: 'c',
      minScore: 0.5,
      fusion: { mode: 'LINEAR', weights: { image: 2, text: 1, keyword: 0, examples: 1 }, rrfK: 60 },
      sort: undefined,
      diversity: undefined,
      collapseDuplicates: undefined,
      duplicateThreshold: undefined,
      priceBuckets: undefined,
      // Neither is selected: the service does not compute them.
      include: { totalCount: false, facets: false },
    });
    expect(result.data?.similarImages).toEqual({
      edges: [
        {
          cursor: 'c1',
          node: { score: 0.9, product: { id: 'b' }, matchedImage: { id: 'b#1', position: 1 } },
        },
        { cursor: 'c2', node: { score: 0.4, product: { id: 'a' }, matchedImage: null } },
      ],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, endCursor: 'c2' },
    });
    expect(services.getProductsCalls).toEqual([['b', 'a']]);
  });

  it('asks for totals and facets only when selected, through fragments and aliases', async () => {
    services.page = { ...services.page, totalCount: 7 };
    const fragment = `query($skip: Boolean!) {
      similarImages(text: "x") { ...Totals n: edges { cursor } ... on SearchConnection { f: facets @skip(if: $skip) { tags { value } } } }
    }
    fragment Totals on SearchConnection { howMany: totalCount }`;
    const skipped = await run(fragment, { skip: true });
    expect(skipped.errors).toBeUndefined();
    expect(skipped.data?.similarImages).toMatchObject({ howMany: 7, n: [] });
    expect(services.searchCalls[0]?.include).toEqual({ totalCount: true, facets: false });
    await run(fragment, { skip: false });
    expect(services.searchCalls[1]?.include).toEqual({ totalCount: true, facets: true });
    await run(`{ similarImages(text: "x") { edges { cursor } } }`);
    expect(services.searchCalls[2]?.include).toEqual({ totalCount: false, facets: false });
  });

  it('loads the duplicates folded into a hit with the hits, in one batch', async () => {
    for (const id of ['a', 'b', 'c']) services.products.set(id, product(id));
    services.page = {
      edges: [
        {
          hit: { productId: 'a', imageId: 'a#0', score: 0.9 },
          cursor: 'c1',
          duplicates: ['c', 'gone', 'b'],
        },
      ],
      hasNextPage: false,
      hasPreviousPage: false,
      endCursor: 'c1',
    };
    const result = await run(
      `{ similarImages(text: "x", collapseDuplicates: true) { edges { node { duplicates { id } } } } }`,
    );
    expect(result.data?.similarImages).toEqual({
      edges: [{ node: { duplicates: [{ id: 'c' }, { id: 'b' }] } }],
    });
    expect(services.getProductsCalls).toEqual([['a', 'c', 'gone', 'b']]);
    expect(services.searchCalls[0]?.collapseDuplicates).toBe(true);
  });

  it('refuses an upload over the byte limit before searching', async () => {
    const result = await run(query, { image: uploadOf(Buffer.alloc(101)) }, 100);
    expect(result.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(services.searchCalls).toHaveLength(0);
  });

  it('skips a hit whose product vanished between search and load', async () => {
    services.products.set('a', product('a'));
    services.page = {
      edges: [
        { hit: { productId: 'gone', imageId: 'gone#0', score: 0.9 }, cursor: 'c1' },
        { hit: { productId: 'a', imageId: 'a#0', score: 0.8 }, cursor: 'c2' },
      ],
      hasNextPage: false,
      hasPreviousPage: false,
      endCursor: 'c2',
    };
    const result = await run(`{ similarImages(text: "x") { edges { node { product { id } } } } }`);
    expect(result.data).toEqual({ similarImages: { edges: [{ node: { product: { id: 'a' } } }] } });
  });
});

describe('mutations', () => {
  const indexMutation = `mutation($images: [Upload!]!, $urls: [String]) {
    indexProduct(input: { id: "p1", title: "Red shoe", category: "shoes", price: 5,
                          currency: "usd", images: $images, imageUrls: $urls }) { id title }
  }`;

  it('indexProduct reads every upload and passes bytes, filename and url in order', async () => {
    const result = await run(indexMutation, {
      images: [uploadOf(Buffer.from('first'), 'a.png'), uploadOf(Buffer.from('second'), 'b.jpg')],
      urls: ['https://cdn.example/a.png'],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ indexProduct: { id: 'p1', title: 'Red shoe' } });
    const images = services.indexCalls[0]?.images ?? [];
    expect(images.map((i) => [Buffer.from(i.bytes!).toString(), i.filename, i.url])).toEqual([
      ['first', 'a.png', 'https://cdn.example/a.png'],
      ['second', 'b.jpg', null],
    ]);
  });

  it('indexProduct fails with PAYLOAD_TOO_LARGE when any upload is over the limit', async () => {
    const result = await run(
      indexMutation,
      { images: [uploadOf(Buffer.from('ok')), uploadOf(Buffer.alloc(200))] },
      100,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(services.indexCalls).toHaveLength(0);
  });

  it('indexProduct refuses more imageUrls than images', async () => {
    const result = await run(indexMutation, {
      images: [uploadOf(Buffer.from('ok'))],
      urls: ['https://a', 'https://b'],
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(services.indexCalls).toHaveLength(0);
  });

  it('deleteProduct deletes once, then answers NOT_FOUND', async () => {
    services.products.set('p1', product('p1'));
    const del = `mutation { deleteProduct(id: "p1") { id deleted } }`;
    expect((await run(del)).data).toEqual({ deleteProduct: { id: 'p1', deleted: true } });
    const again = await run(del);
    expect(again.data).toBeNull();
    expect(again.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', details: { id: 'p1' } });
  });
});
