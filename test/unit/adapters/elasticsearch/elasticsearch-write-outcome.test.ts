/**
 * Issue 10 item 8: a write whose outcome is unknown says so. A connection reset after the request
 * was sent, or a timeout, may leave the product stored; the error is INDEX_UNAVAILABLE with
 * details.outcome 'UNKNOWN' (retry: writes replace by id). A refused connection never sent
 * anything: 'NOT_APPLIED'. Reads carry no outcome.
 */
import { errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { expectCode } from '../../../helpers/expect-code';
import { answer, answerAll, MOCK_DIMS, openOnMock } from '../../../helpers/elasticsearch-mock';
import { axisVector, makeProduct } from '../../../helpers/product-fixtures';

const doc = makeProduct({ id: 'a', vectors: [axisVector(MOCK_DIMS, 0)] });

function reset(): errors.ConnectionError {
  const error = new errors.ConnectionError('socket hang up');
  Object.defineProperty(error, 'cause', {
    value: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  });
  return error;
}

function refused(): errors.ConnectionError {
  const error = new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200');
  Object.defineProperty(error, 'cause', {
    value: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
  });
  return error;
}

describe('Elasticsearch write outcomes', () => {
  let mock: Mock;
  beforeEach(() => {
    mock = new Mock();
  });

  it.each([
    ['a connection reset after the request', reset, 'UNKNOWN'],
    ['a timeout', () => new errors.TimeoutError('Request timed out'), 'UNKNOWN'],
    ['a refused connection', refused, 'NOT_APPLIED'],
  ])('%s: upsert, upsertMany and delete say outcome %s', async (_label, reply, outcome) => {
    const index = await openOnMock(mock);
    answerAll(mock, reply);
    for (const [operation, call] of [
      ['upsert', () => index.upsert(doc)],
      ['upsertMany', () => index.upsertMany([doc])],
      ['delete', () => index.delete('a')],
    ] as const) {
      const error = await expectCode(call(), 'INDEX_UNAVAILABLE');
      expect(error.details).toMatchObject({ operation, outcome });
    }
  });

  it('reads carry no outcome', async () => {
    const index = await openOnMock(mock);
    answer(mock, 'mget', reset);
    const error = await expectCode(index.getMany(['a']), 'INDEX_UNAVAILABLE');
    expect(error.details).not.toHaveProperty('outcome');
  });
});
