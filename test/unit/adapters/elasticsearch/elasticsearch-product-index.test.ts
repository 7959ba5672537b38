/**
 * The Elasticsearch adapter's outages on a mock connection: overload, 5xx, timeouts and refused
 * connections on every call. Happy paths run against a real node (test/integration,
 * test/contract).
 */
import { errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import type { ElasticsearchProductIndex } from '../../../../src/adapters/elasticsearch/elasticsearch-product-index';
import { codeOf, expectCode } from '../../../helpers/expect-code';
import {
  adapterOnMock,
  answerAll,
  answerMapping,
  MOCK_DIMS,
  openOnMock,
  responseError,
} from '../../../helpers/elasticsearch-mock';
import { axisVector, makeProduct } from '../../../helpers/product-fixtures';

const QUERY = { vector: axisVector(MOCK_DIMS, 0), filter: {}, k: 3 };
let mock: Mock;

beforeEach(() => {
  mock = new Mock();
});

/** Calls every port method that reaches the node, each reduced to its rejection code. */
async function codesOfEveryCall(index: ElasticsearchProductIndex): Promise<string[]> {
  const doc = makeProduct({ id: 'a', vectors: [axisVector(MOCK_DIMS, 0)] });
  return Promise.all([
    codeOf(index.upsert(doc)),
    codeOf(index.upsertMany([doc])),
    codeOf(index.delete('a')),
    codeOf(index.getMany(['a'])),
    codeOf(index.getImageVectors(['a'])),
    codeOf(index.searchVector(QUERY)),
    codeOf(index.searchKeyword({ text: 'x', filter: {}, k: 3 })),
    codeOf(index.ping()),
    codeOf(index.updateFields('a', { title: 'x' }, '2024-01-01T00:00:00.000Z')),
    codeOf(index.findVectorsBySha256(['f'.repeat(64)])),
  ]);
}

describe('ElasticsearchProductIndex on a mock connection: outages', () => {
  it.each([
    ['503', 'INDEX_UNAVAILABLE', () => responseError(503, 'unavailable_shards_exception')],
    ['500', 'INDEX_UNAVAILABLE', () => responseError(500, 'exception')],
    ['a timeout', 'INDEX_UNAVAILABLE', () => new errors.TimeoutError('Request timed out')],
    ['a refused connection', 'INDEX_UNAVAILABLE', () => new errors.ConnectionError('ECONNREFUSED')],
    // Overload keeps its own code (as before this suite): callers may back off and retry.
    ['429', 'OVERLOADED', () => responseError(429, 'es_rejected_execution_exception')],
  ])('turns %s into %s on every call', async (_label, code, reply) => {
    const index = await openOnMock(mock);
    answerAll(mock, reply);
    expect(await codesOfEveryCall(index)).toEqual(Array(10).fill(code));
  });

  it('keeps the reason of a timeout and of a refused connection in details', async () => {
    const index = await openOnMock(mock);
    answerAll(mock, () => new errors.TimeoutError('Request timed out'));
    const slow = await expectCode(index.searchVector(QUERY), 'INDEX_UNAVAILABLE');
    expect(slow.details).toMatchObject({ operation: 'searchVector', reason: 'timeout' });
    mock.clearAll();
    answerAll(mock, () => new errors.ConnectionError('ECONNREFUSED'));
    const refused = await expectCode(index.ping(), 'INDEX_UNAVAILABLE');
    expect(refused.details).toMatchObject({ operation: 'ping', reason: 'connection' });
  });

  it.each([
    ['a 503', () => responseError(503, 'master_not_discovered_exception')],
    ['a timeout', () => new errors.TimeoutError('Request timed out')],
  ])('fails open() on %s with INDEX_UNAVAILABLE, and stays closed', async (_label, reply) => {
    answerMapping(mock, reply);
    const index = adapterOnMock(mock);
    await expectCode(index.open(), 'INDEX_UNAVAILABLE');
    expect((await expectCode(index.ping(), 'INDEX_UNAVAILABLE')).details).toMatchObject({
      operation: 'ping',
    });
  });

  it('reports a red index as INDEX_UNAVAILABLE on ping', async () => {
    const index = await openOnMock(mock);
    answerAll(mock, () => ({ status: 'red' }));
    await expectCode(index.ping(), 'INDEX_UNAVAILABLE');
  });
});
