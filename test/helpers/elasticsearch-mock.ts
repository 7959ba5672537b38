import { DEFAULTS } from '../../src/config/defaults';
import { Client, errors } from '@elastic/elasticsearch';
import type Mock from '@elastic/elasticsearch-mock';
import type { MockPattern } from '@elastic/elasticsearch-mock';
import { buildIndexBody, indexNames } from '../../src/adapters/elasticsearch/elasticsearch-mapping';
import { ElasticsearchProductIndex } from '../../src/adapters/elasticsearch/elasticsearch-product-index';

/**
 * The Elasticsearch adapter over @elastic/elasticsearch-mock, for the error paths a live node
 * cannot produce on demand. No sockets: the mock connection answers every request in-process.
 */
export const MOCK_DIMS = 4;
const MOCK_BINDING = { modelId: 'mock-model', dims: MOCK_DIMS };
const MOCK_NAMES = indexNames('products', MOCK_BINDING.modelId);
const NODE = 'http://127.0.0.1:9200';

/** A mocked answer; an Error instance makes the client reject with it. */
type Answer = (params: MockPattern) => Record<string, unknown> | string | Error;

/** A ResponseError as the client builds it from an HTTP error with an Elasticsearch body. */
export function responseError(statusCode: number, type: string): errors.ResponseError {
  return new errors.ResponseError({
    body: { error: { type, reason: 'why' }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

/** An unopened adapter whose client talks to the mock, without retries. */
export function adapterOnMock(mock: Mock): ElasticsearchProductIndex {
  const client = new Client({ node: NODE, Connection: mock.getConnection(), maxRetries: 0 });
  return new ElasticsearchProductIndex(
    {
      node: NODE,
      binding: MOCK_BINDING,
      indexPrefix: DEFAULTS.elasticsearch.indexPrefix,
      hnsw: DEFAULTS.elasticsearch.hnsw,
      requestTimeoutMs: DEFAULTS.elasticsearch.requestTimeoutMs,
    },
    client,
  );
}

/** Answers `GET <alias>/_mapping`; by default with the mapping this release creates. */
export function answerMapping(mock: Mock, answer?: Answer): void {
  const { mappings } = buildIndexBody(MOCK_BINDING, DEFAULTS.elasticsearch.hnsw);
  const mapped = answer ?? (() => ({ [MOCK_NAMES.index]: { mappings } }));
  mock.add({ method: 'GET', path: `/${MOCK_NAMES.alias}/_mapping` }, mapped as never);
}

/** An adapter over the mock, opened against a mapping made by this release. */
export async function openOnMock(mock: Mock): Promise<ElasticsearchProductIndex> {
  answerMapping(mock);
  const index = adapterOnMock(mock);
  await index.open();
  return index;
}

/** Answers one kind of request the adapter makes after open(). */
export function answer(
  mock: Mock,
  kind: 'bulk' | 'mget' | 'search' | 'delete' | 'health' | 'get' | 'index' | 'msearch',
  reply: Answer,
): void {
  const routes = {
    bulk: { method: 'POST', path: `/${MOCK_NAMES.alias}/_bulk` },
    mget: { method: 'POST', path: `/${MOCK_NAMES.alias}/_mget` },
    search: { method: 'POST', path: `/${MOCK_NAMES.alias}/_search` },
    delete: { method: 'DELETE', path: `/${MOCK_NAMES.alias}/_doc/:id` },
    health: { method: 'GET', path: `/_cluster/health/${MOCK_NAMES.alias}` },
    get: { method: 'GET', path: `/${MOCK_NAMES.alias}/_doc/:id` },
    index: { method: 'PUT', path: `/${MOCK_NAMES.alias}/_doc/:id` },
    msearch: { method: 'POST', path: `/${MOCK_NAMES.alias}/_msearch` },
  } as const;
  // The mock's typings omit Error answers, which it supports (it rejects with them).
  mock.add(routes[kind], reply as never);
}

/** Answers every kind of request the adapter makes after open() the same way. */
export function answerAll(mock: Mock, reply: Answer): void {
  const kinds = ['bulk', 'mget', 'search', 'delete', 'health', 'get', 'index', 'msearch'] as const;
  for (const kind of kinds) {
    answer(mock, kind, reply);
  }
}
