import net from 'node:net';
import {
  buildIndexBody,
  indexNames,
} from '../../../../src/adapters/elasticsearch/elasticsearch-mapping';
import { ElasticsearchProductIndex } from '../../../../src/adapters/elasticsearch/elasticsearch-product-index';
import { DEFAULTS } from '../../../../src/config/defaults';
import type { ProductDocument } from '../../../../src/domain/product';
import {
  deleteIndicesWithPrefix,
  describeElasticsearch,
  esRequest,
  requireElasticsearch,
  testIndexPrefix,
} from '../../../helpers/elasticsearch';
import { codeOf, expectCode } from '../../../helpers/expect-code';
import {
  axisVector,
  expectedProduct,
  makeProduct,
  seededRandom,
  vectorWithSimilarity,
} from '../../../helpers/product-fixtures';

const DIMS = 8;
const MODEL = 'ViT-B/32 Test_Model';

/** A port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeElasticsearch('ElasticsearchProductIndex against a real node', () => {
  const prefix = testIndexPrefix();
  const opened: ElasticsearchProductIndex[] = [];
  let node = '';

  function adapter(
    overrides: { dims?: number; modelId?: string; node?: string; requestTimeoutMs?: number } = {},
  ): ElasticsearchProductIndex {
    const index = new ElasticsearchProductIndex({
      node: overrides.node ?? node,
      indexPrefix: prefix,
      binding: { modelId: overrides.modelId ?? MODEL, dims: overrides.dims ?? DIMS },
      hnsw: { m: 12, efConstruction: 64 },
      requestTimeoutMs: overrides.requestTimeoutMs ?? DEFAULTS.elasticsearch.requestTimeoutMs,
      refresh: true,
    });
    opened.push(index);
    return index;
  }

  async function openIndex(): Promise<ElasticsearchProductIndex> {
    const index = adapter();
    await index.open();
    return index;
  }

  beforeAll(async () => {
    node = await requireElasticsearch();
  });

  afterAll(async () => {
    await Promise.all(opened.map((index) => index.close()));
    if (node !== '') await deleteIndicesWithPrefix(prefix);
  });

  afterEach(async () => {
    if (node !== '') await deleteIndicesWithPrefix(prefix);
  });

  it('creates a versioned index named after the model behind an alias, with the mapping', async () => {
    const index = await openIndex();
    expect(index.names).toEqual({
      alias: `${prefix}-vit-b-32-test_model`,
      index: `${prefix}-vit-b-32-test_model-v2`,
    });
    const alias = await esRequest('GET', `/_alias/${index.names.alias}`);
    expect(Object.keys(alias.body as object)).toEqual([index.names.index]);
    const mapping = await esRequest('GET', `/${index.names.index}/_mapping`);
    const mappings = (mapping.body as Record<string, { mappings: Record<string, unknown> }>)[
      index.names.index
    ]?.mappings as {
      _meta: unknown;
      properties: { images: { type: string; properties: { vector: unknown } } };
    };
    expect(mappings._meta).toEqual({ modelId: MODEL, dims: DIMS, mappingVersion: 2 });
    expect(mappings.properties.images.type).toBe('nested');
    expect(mappings.properties.images.properties.vector).toMatchObject({
      type: 'dense_vector',
      dims: DIMS,
      similarity: 'cosine',
      index_options: { type: 'int8_hnsw', m: 12, ef_construction: 64 },
    });
  });

  it('reopens an existing index; refuses other dims (DIMENSION_MISMATCH) or another model (MODEL_MISMATCH)', async () => {
    await openIndex();
    await expect(adapter().open()).resolves.toBeUndefined();
    expect(await codeOf(adapter({ dims: DIMS * 2 }).open())).toBe('DIMENSION_MISMATCH');
    // Same slug (case and punctuation differ), same dims, different model.
    expect(await codeOf(adapter({ modelId: 'vit-b-32 test_model' }).open())).toBe('MODEL_MISMATCH');
  });

  it('refuses to open an index of mapping version 1 (no stored vectors) with MAPPING_OUTDATED', async () => {
    // What the previous release created: no images.vectorBytes, _meta.mappingVersion 1.
    const names = indexNames(prefix, MODEL);
    const { settings, mappings } = buildIndexBody(
      { modelId: MODEL, dims: DIMS },
      DEFAULTS.elasticsearch.hnsw,
    );
    const old = mappings as {
      _meta: Record<string, unknown>;
      properties: { images: { properties: Record<string, unknown> } };
    };
    old._meta.mappingVersion = 1;
    delete old.properties.images.properties.vectorBytes;
    const created = await esRequest('PUT', `/${names.alias}-v1`, {
      settings,
      mappings,
      aliases: { [names.alias]: { is_write_index: true } },
    });
    expect(created.status).toBe(200);
    const error = await expectCode(adapter().open(), 'INDEX_UNAVAILABLE');
    expect(error.details).toMatchObject({
      reason: 'MAPPING_OUTDATED',
      mappingVersion: 1,
      expectedMappingVersion: 2,
    });
  });

  it('keeps a copy of each vector in _source for read-back, never in getMany', async () => {
    const index = await openIndex();
    const doc = makeProduct({ id: 'sku-v', vectors: [axisVector(DIMS, 3)] });
    await index.upsert(doc);
    const raw = await esRequest('GET', `/${index.names.alias}/_doc/sku-v`);
    const image = (raw.body as { _source: { images: Array<Record<string, unknown>> } })._source
      .images[0];
    expect(Object.keys(image ?? {})).not.toContain('vector');
    expect(typeof image?.vectorBytes).toBe('string');
    expect(await index.getMany(['sku-v'])).toEqual([expectedProduct(doc)]);
    const [vectors] = await index.getImageVectors(['sku-v']);
    expect(vectors?.map((v) => Array.from(v.vector))).toEqual([Array.from(axisVector(DIMS, 3))]);
  });

  it('stores products without echoing vectors, replaces on re-index and deletes', async () => {
    const index = await openIndex();
    const random = seededRandom(1);
    const doc = makeProduct({
      id: 'sku-1',
      tags: ['a', 'b'],
      vectors: [vectorWithSimilarity(DIMS, 0.5, random), vectorWithSimilarity(DIMS, 0.2, random)],
    });
    await index.upsert(doc);
    expect(await index.getMany(['missing', 'sku-1'])).toEqual([null, expectedProduct(doc)]);
    const replaced = makeProduct({ id: 'sku-1', title: 'New', vectors: [axisVector(DIMS, 1)] });
    await index.upsert(replaced);
    expect(await index.getMany(['sku-1'])).toEqual([expectedProduct(replaced)]);
    expect(await index.delete('sku-1')).toBe(true);
    expect(await index.delete('sku-1')).toBe(false);
    expect(await index.getMany(['sku-1'])).toEqual([null]);
  });

  it('returns exact cosines, the matching image, the minSimilarity cut and productId tie-breaks', async () => {
    const index = await openIndex();
    const random = seededRandom(2);
    const at = (similarity: number): Float32Array => vectorWithSimilarity(DIMS, similarity, random);
    await index.upsertMany(
      [
        makeProduct({ id: 'p-far', vectors: [at(0.1)] }),
        makeProduct({ id: 'p-two', vectors: [at(0.3), at(0.9)] }),
        makeProduct({ id: 'p-tie-b', vectors: [at(0.6)] }),
        makeProduct({ id: 'p-tie-a', vectors: [at(0.6)] }),
      ],
      { refresh: true },
    );
    const query = { vector: axisVector(DIMS, 0), filter: {}, k: 3 };
    const hits = await index.searchVector(query);
    expect(hits.map((hit) => [hit.productId, hit.imageId])).toEqual([
      ['p-two', 'p-two#1'],
      ['p-tie-a', 'p-tie-a#0'],
      ['p-tie-b', 'p-tie-b#0'],
    ]);
    expect(hits[0]?.similarity).toBeCloseTo(0.9, 5);
    expect(hits[1]?.similarity).toBeCloseTo(0.6, 5);
    const cut = await index.searchVector({ ...query, k: 10, minSimilarity: 0.6 - 1e-4 });
    expect(cut.map((hit) => hit.productId)).toEqual(['p-two', 'p-tie-a', 'p-tie-b']);
  });

  it('filters inside the kNN, so a filtered page is full even when others are closer', async () => {
    const index = await openIndex();
    const random = seededRandom(3);
    const docs: ProductDocument[] = [];
    for (let i = 0; i < 30; i++) {
      const wanted = i % 10 === 0;
      docs.push(
        makeProduct({
          id: `p-${String(i).padStart(2, '0')}`,
          category: wanted ? 'shoes' : 'hats',
          price: wanted ? 50 : 5,
          tags: wanted ? ['red', 'sale'] : ['red'],
          vectors: [vectorWithSimilarity(DIMS, wanted ? 0.2 : 0.9, random)],
        }),
      );
    }
    await index.upsertMany(docs, { refresh: true });
    const filter = {
      category: 'shoes',
      minPrice: 50,
      maxPrice: 50,
      tags: ['red', 'sale'],
      inStock: true,
    };
    const hits = await index.searchVector({ vector: axisVector(DIMS, 0), filter, k: 3 });
    expect(hits.map((hit) => hit.productId)).toEqual(['p-00', 'p-10', 'p-20']);
    const keyword = await index.searchKeyword({ text: 'product', filter, k: 10 });
    expect(keyword.map((hit) => hit.productId)).toEqual(['p-00', 'p-10', 'p-20']);
  });

  it('ranks keyword matches by BM25 with title weight and yields [] for text with no terms', async () => {
    const index = await openIndex();
    const v = [axisVector(DIMS, 0)];
    await index.upsertMany(
      [
        makeProduct({ id: 'k-1', title: 'Red running shoe', description: 'Light.', vectors: v }),
        makeProduct({ id: 'k-2', title: 'Blue hat', description: 'A red band.', vectors: v }),
        makeProduct({ id: 'k-3', title: 'Green scarf', description: 'Wool.', vectors: v }),
      ],
      { refresh: true },
    );
    const hits = await index.searchKeyword({ text: 'red shoe', filter: {}, k: 10 });
    expect(hits.map((hit) => hit.productId)).toEqual(['k-1', 'k-2']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(await index.searchKeyword({ text: ' !!! ', filter: {}, k: 10 })).toEqual([]);
  });

  it('surfaces bulk per-item errors while the good products are indexed', async () => {
    const index = await openIndex();
    const good = makeProduct({ id: 'b-good', vectors: [axisVector(DIMS, 0)] });
    const wrongDims = makeProduct({ id: 'b-dims', vectors: [axisVector(DIMS + 1, 0)] });
    const badDate = {
      ...makeProduct({ id: 'b-date', vectors: [axisVector(DIMS, 1)] }),
      createdAt: 'not a date',
    };
    const outcomes = await index.upsertMany([good, wrongDims, badDate], { refresh: true });
    expect(outcomes.map((outcome) => outcome?.code ?? null)).toEqual([
      null,
      'DIMENSION_MISMATCH',
      'BAD_USER_INPUT',
    ]);
    expect(outcomes[2]?.details).toMatchObject({ status: 400 });
    expect((await index.getMany(['b-good', 'b-date'])).map((p) => p?.id ?? null)).toEqual([
      'b-good',
      null,
    ]);
  });

  it('makes a single upsert visible to searches once it resolves with refresh=wait_for', async () => {
    const index = new ElasticsearchProductIndex({
      node,
      indexPrefix: prefix,
      binding: { modelId: MODEL, dims: DIMS },
      hnsw: DEFAULTS.elasticsearch.hnsw,
      requestTimeoutMs: DEFAULTS.elasticsearch.requestTimeoutMs,
    });
    opened.push(index);
    await index.open();
    await index.upsert(
      makeProduct({ id: 'w-1', title: 'visible', vectors: [axisVector(DIMS, 2)] }),
    );
    const hits = await index.searchVector({ vector: axisVector(DIMS, 2), filter: {}, k: 1 });
    expect(hits.map((hit) => hit.productId)).toEqual(['w-1']);
    expect(await index.searchKeyword({ text: 'visible', filter: {}, k: 1 })).toHaveLength(1);
  });

  it('translates outages: connection refused, timeouts, a missing index, not opened', async () => {
    const refused = adapter({ node: `http://127.0.0.1:${await closedPort()}` });
    expect(await codeOf(refused.open())).toBe('INDEX_UNAVAILABLE');

    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const hanging = adapter({ node: `http://127.0.0.1:${port}`, requestTimeoutMs: 200 });
      expect(await codeOf(hanging.open())).toBe('INDEX_UNAVAILABLE');
      await hanging.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }

    const index = await openIndex();
    await esRequest('DELETE', `/${index.names.index}`);
    expect(await codeOf(index.ping())).toBe('INDEX_UNAVAILABLE');
    expect(await codeOf(index.getImageVectors(['sku-1']))).toBe('INDEX_UNAVAILABLE');
    expect(await codeOf(index.getMany(['sku-1']))).toBe('INDEX_UNAVAILABLE');
    expect(await codeOf(index.searchKeyword({ text: 'x', filter: {}, k: 1 }))).toBe(
      'INDEX_UNAVAILABLE',
    );
    expect(await codeOf(adapter().getMany(['sku-1']))).toBe('INDEX_UNAVAILABLE');
  });

  it('refuses query vectors of other dims with DIMENSION_MISMATCH', async () => {
    const index = await openIndex();
    await expect(index.ping()).resolves.toBeUndefined();
    const query = { vector: axisVector(DIMS + 1, 0), filter: {}, k: 1 };
    expect(await codeOf(index.searchVector(query))).toBe('DIMENSION_MISMATCH');
  });
});
