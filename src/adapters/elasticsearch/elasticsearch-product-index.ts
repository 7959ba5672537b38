import { Client, type estypes } from '@elastic/elasticsearch';
import pino from 'pino';
import type {
  ImageVector,
  Product,
  ProductDocument,
  ProductPatch,
  StoredPhotoVector,
} from '../../domain/product';
import type { KeywordHit, VectorHit } from '../../domain/search';
import { DimensionMismatchError, IndexUnavailableError } from '../../errors/app-error';
import type {
  KeywordQuery,
  ProductIndex,
  ProductIndexBinding,
  UpsertOutcome,
  VectorQuery,
} from '../../ports/product-index.port';
import { bulkUpsert, type RefreshPolicy } from './elasticsearch-bulk';
import {
  fromSource,
  patchedSource,
  sha256SearchBody,
  storedVectorFromResponse,
  toKeywordHits,
  toVectorHits,
  type EsHit,
  type ProductSource,
} from './elasticsearch-documents';
import { translateEsError } from './elasticsearch-errors';
import { ensureIndex } from './elasticsearch-index-setup';
import { indexNames, type HnswOptions, type IndexNames } from './elasticsearch-mapping';
import { keywordSearchBody, vectorSearchBody } from './elasticsearch-queries';
import {
  IMAGE_VECTOR_SOURCE,
  imageVectorsFromSource,
  VECTOR_BYTES_PROPERTY,
} from './elasticsearch-vector-codec';

/** Which parts of `_source` an mget brings back. */
type SourceFilter = { _source_includes: string[] } | { _source_excludes: string[] };

type ElasticsearchAuth =
  { readonly apiKey: string } | { readonly username: string; readonly password: string };

export interface ElasticsearchProductIndexOptions {
  /** e.g. http://127.0.0.1:9200 */
  readonly node: string;
  readonly auth?: ElasticsearchAuth;
  /** PEM text of the CA that signed the cluster's certificate (https nodes). */
  readonly ca?: string | undefined;
  /** First part of the alias and index names (the model id is appended). */
  readonly indexPrefix: string;
  readonly binding: ProductIndexBinding;
  /** HNSW parameters for an index this adapter creates; an existing index keeps its own. */
  readonly hnsw: HnswOptions;
  readonly requestTimeoutMs: number;
  /**
   * When a single upsert/delete becomes visible: 'wait_for' (default) waits for the next
   * refresh, true forces one (fast for tests, costly under write load). Either way the port's
   * "visible once resolved" holds.
   */
  readonly refresh?: 'wait_for' | true;
  readonly logger?: pino.Logger;
}

/** How often updateFields starts over when another writer changed the product meanwhile. */
const UPDATE_ATTEMPTS = 5;

const PREFIX_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

function checkOptions(options: ElasticsearchProductIndexOptions): void {
  const { node, binding, indexPrefix, hnsw, requestTimeoutMs } = options;
  if (typeof node !== 'string' || !/^https?:\/\//.test(node)) {
    throw new TypeError(`node must be an http(s) URL, got ${JSON.stringify(node)}`);
  }
  if (!Number.isInteger(binding?.dims) || binding.dims <= 0) {
    throw new TypeError(`binding.dims must be a positive integer, got ${binding?.dims}`);
  }
  if (typeof binding.modelId !== 'string' || binding.modelId.length === 0) {
    throw new TypeError(`binding.modelId must be a non-empty string, got ${binding.modelId}`);
  }
  if (typeof indexPrefix !== 'string' || !PREFIX_PATTERN.test(indexPrefix)) {
    throw new TypeError(`indexPrefix must match ${PREFIX_PATTERN}, got ${indexPrefix}`);
  }
  if (!(Number.isInteger(hnsw?.m) && Number.isInteger(hnsw?.efConstruction))) {
    throw new TypeError(
      `hnsw.m and hnsw.efConstruction must be integers, got ${JSON.stringify(hnsw)}`,
    );
  }
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs <= 0) {
    throw new TypeError(`requestTimeoutMs must be a positive integer, got ${requestTimeoutMs}`);
  }
}

function createClient(options: ElasticsearchProductIndexOptions): Client {
  const { ca } = options;
  return new Client({
    node: options.node,
    auth: options.auth,
    tls: ca === undefined ? undefined : { ca },
    requestTimeout: options.requestTimeoutMs,
    // One retry covers a dropped keep-alive socket; an outage should surface fast.
    maxRetries: 1,
  });
}

/**
 * The scale-out ProductIndex: one Elasticsearch index per model, reached through an alias.
 * Products are documents, their images a `nested` field with an int8_hnsw dense_vector.
 */
export class ElasticsearchProductIndex implements ProductIndex {
  readonly kind = 'elasticsearch';
  readonly names: IndexNames;
  private readonly client: Client;
  private readonly binding: ProductIndexBinding;
  private readonly hnsw: HnswOptions;
  private readonly refresh: 'wait_for' | true;
  private readonly logger: pino.Logger;
  private opened = false;

  /**
   * @param client only for tests that answer from a mock connection
   *   (`@elastic/elasticsearch-mock`); otherwise built from the options.
   */
  constructor(options: ElasticsearchProductIndexOptions, client?: Client) {
    checkOptions(options);
    this.binding = { modelId: options.binding.modelId, dims: options.binding.dims };
    this.names = indexNames(options.indexPrefix, this.binding.modelId);
    this.hnsw = options.hnsw;
    this.refresh = options.refresh ?? 'wait_for';
    this.logger = options.logger ?? pino({ enabled: false });
    this.client = client ?? createClient(options);
  }

  async open(): Promise<void> {
    if (this.opened) return;
    try {
      const created = await ensureIndex(this.client, this.names, this.binding, this.hnsw);
      this.logger.info({ ...this.names, ...this.binding, created }, 'elasticsearch index open');
    } catch (error) {
      throw translateEsError(error, 'open');
    }
    this.opened = true;
  }

  async upsert(doc: ProductDocument): Promise<void> {
    this.checkOpen('upsert');
    const [outcome] = await this.bulk([doc], this.refresh, 'upsert');
    if (outcome) throw outcome;
  }

  /**
   * Many products in one `_bulk` request; each succeeds or fails alone (see the port).
   * `refresh: false` suits bulk loads that refresh once at the end; it waives the port's
   * "visible once resolved" (durable still holds), so only loaders that refresh may pass it;
   * until that refresh, findVectorsBySha256 (a search) does not see those products either.
   */
  async upsertMany(
    docs: readonly ProductDocument[],
    options: { refresh?: RefreshPolicy } = {},
  ): Promise<UpsertOutcome[]> {
    this.checkOpen('upsertMany');
    return this.bulk(docs, options.refresh ?? this.refresh, 'upsertMany');
  }

  async delete(productId: string): Promise<boolean> {
    this.checkOpen('delete');
    try {
      const response = await this.client.delete(
        { index: this.names.alias, id: productId, refresh: this.refresh },
        { ignore: [404] },
      );
      return response.result === 'deleted';
    } catch (error) {
      throw translateEsError(error, 'delete');
    }
  }

  async getMany(productIds: readonly string[]): Promise<Array<Product | null>> {
    this.checkOpen('getMany');
    const sources = await this.mget(productIds, 'getMany', {
      _source_excludes: [`images.${VECTOR_BYTES_PROPERTY}`],
    });
    return sources.map((source) => (source === null ? null : fromSource(source)));
  }

  async getImageVectors(productIds: readonly string[]): Promise<Array<ImageVector[] | null>> {
    this.checkOpen('getImageVectors');
    const sources = await this.mget(productIds, 'getImageVectors', {
      _source_includes: IMAGE_VECTOR_SOURCE,
    });
    return sources.map((source) =>
      source === null ? null : imageVectorsFromSource(source, this.binding.dims),
    );
  }

  /**
   * Read (realtime), patch, and index the whole document back under optimistic concurrency
   * (`if_seq_no`): a concurrent writer makes it start over, at most a few times, then
   * INDEX_UNAVAILABLE. Not `_update` with a partial doc: `images.vector` is excluded from
   * `_source`, so an `_update` would rebuild the document without its kNN vectors.
   */
  async updateFields(
    productId: string,
    patch: ProductPatch,
    updatedAt: string,
  ): Promise<Product | null> {
    this.checkOpen('updateFields');
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      try {
        const current = await this.client.get<ProductSource>(
          { index: this.names.alias, id: productId, realtime: true },
          { ignore: [404] },
        );
        // A 404 for a missing index (not a missing document) is an outage, as in mget.
        if ('error' in current) {
          throw new IndexUnavailableError('Elasticsearch could not read a product', {
            operation: 'updateFields',
            type: (current as { error?: { type?: string } }).error?.type,
          });
        }
        if (!current.found || current._source === undefined) return null;
        const source = patchedSource(current._source, patch, updatedAt, this.binding.dims);
        await this.client.index({
          index: this.names.alias,
          id: productId,
          document: source,
          if_seq_no: current._seq_no,
          if_primary_term: current._primary_term,
          refresh: this.refresh,
        });
        return fromSource(source);
      } catch (error) {
        if ((error as { meta?: { statusCode?: number } }).meta?.statusCode === 409) continue;
        throw translateEsError(error, 'updateFields');
      }
    }
    throw new IndexUnavailableError('The product kept changing under the update', {
      operation: 'updateFields',
      reason: 'CONFLICT',
    });
  }

  /** One small nested term query per hash in one `_msearch`: a hash hit by many products costs one hit. */
  async findVectorsBySha256(sha256s: readonly string[]): Promise<Array<StoredPhotoVector | null>> {
    this.checkOpen('findVectorsBySha256');
    if (sha256s.length === 0) return [];
    const searches = sha256s.flatMap((hash) => [{}, sha256SearchBody(hash)]);
    let responses: unknown[];
    try {
      ({ responses } = await this.client.msearch({ index: this.names.alias, searches }));
    } catch (error) {
      throw translateEsError(error, 'findVectorsBySha256');
    }
    return sha256s.map((_hash, n) =>
      storedVectorFromResponse(responses[n], this.binding.dims, 'findVectorsBySha256'),
    );
  }

  async searchVector(query: VectorQuery): Promise<VectorHit[]> {
    this.checkOpen('searchVector');
    this.checkQueryDims(query.vector);
    if (query.k <= 0) return [];
    const hits = await this.search(vectorSearchBody(query), 'searchVector');
    return toVectorHits(hits, query.k, query.minSimilarity);
  }

  async searchKeyword(query: KeywordQuery): Promise<KeywordHit[]> {
    this.checkOpen('searchKeyword');
    if (query.k <= 0 || query.text.trim() === '') return [];
    const hits = await this.search(keywordSearchBody(query), 'searchKeyword');
    return toKeywordHits(hits, query.k);
  }

  /** Sorted on the `id` keyword (doc values, byte order = UTF-8 byte order); ids only. */
  async listProductIds(afterId: string | undefined, limit: number): Promise<string[]> {
    this.checkOpen('listProductIds');
    if (limit <= 0) return [];
    const hits = await this.search(
      {
        size: limit,
        sort: [{ id: 'asc' }],
        _source: false,
        track_total_hits: false,
        query: afterId === undefined ? { match_all: {} } : { range: { id: { gt: afterId } } },
      },
      'listProductIds',
    );
    return hits.flatMap((hit) => (typeof hit._id === 'string' ? [hit._id] : []));
  }

  async ping(): Promise<void> {
    this.checkOpen('ping');
    let status: string;
    try {
      // The minimal distribution has no `GET /`; index health says more anyway. Nothing to wait
      // for (timeout 0s): a missing index answers 408 at once instead of after the timeout.
      ({ status } = await this.client.cluster.health({ index: this.names.alias, timeout: '0s' }));
    } catch (error) {
      throw translateEsError(error, 'ping');
    }
    if (status === 'red') {
      throw new IndexUnavailableError('The Elasticsearch index is red', { operation: 'ping' });
    }
  }

  async close(): Promise<void> {
    this.opened = false;
    await this.client.close();
  }

  private bulk(
    docs: readonly ProductDocument[],
    refresh: RefreshPolicy,
    operation: string,
  ): Promise<UpsertOutcome[]> {
    const target = { alias: this.names.alias, dims: this.binding.dims };
    return bulkUpsert(this.client, target, docs, { refresh, operation });
  }

  /** `_source` per id, in order, null for an unknown id; realtime, so a write is seen at once. */
  private async mget(
    productIds: readonly string[],
    operation: string,
    filter: SourceFilter,
  ): Promise<Array<ProductSource | null>> {
    if (productIds.length === 0) return [];
    try {
      const response = await this.client.mget<ProductSource>({
        index: this.names.alias,
        ids: [...productIds],
        realtime: true,
        ...filter,
      });
      return response.docs.map((doc) => {
        // mget answers 200 with a per-doc error when the index is missing or a shard failed:
        // that is an outage, not an unknown id.
        if ('error' in doc) {
          throw new IndexUnavailableError('Elasticsearch could not read a product', {
            operation,
            type: doc.error.type,
          });
        }
        return doc.found && doc._source !== undefined ? doc._source : null;
      });
    } catch (error) {
      throw translateEsError(error, operation);
    }
  }

  private async search(body: Record<string, unknown>, operation: string): Promise<EsHit[]> {
    try {
      const response = await this.client.search({
        index: this.names.alias,
        ...body,
      } as estypes.SearchRequest);
      return response.hits.hits as EsHit[];
    } catch (error) {
      throw translateEsError(error, operation);
    }
  }

  private checkOpen(operation: string): void {
    if (!this.opened) {
      throw new IndexUnavailableError('The Elasticsearch index is not open', { operation });
    }
  }

  private checkQueryDims(vector: Float32Array): void {
    if (!(vector instanceof Float32Array) || vector.length !== this.binding.dims) {
      throw new DimensionMismatchError("The query vector does not have the index's dims", {
        expectedDims: this.binding.dims,
        actualDims: vector instanceof Float32Array ? vector.length : null,
      });
    }
  }
}
