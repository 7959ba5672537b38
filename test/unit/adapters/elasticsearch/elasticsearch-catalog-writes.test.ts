/**
 * updateFields and findVectorsBySha256 on a mock connection: the paths a live node does not
 * produce on demand (a concurrent writer, a per-search failure inside `_msearch`).
 */
import { errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { encodeVector } from '../../../../src/adapters/elasticsearch/elasticsearch-vector-codec';
import { expectCode } from '../../../helpers/expect-code';
import { MOCK_DIMS, openOnMock, responseError } from '../../../helpers/elasticsearch-mock';
import { axisVector } from '../../../helpers/product-fixtures';

const ALIAS = 'products-mock-model';
const STORED = {
  id: 'a',
  title: 'old',
  description: '',
  category: 'c',
  price: 1,
  currency: 'USD',
  tags: [],
  inStock: true,
  modelId: 'mock-model',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  images: [
    {
      id: 'a#0',
      position: 0,
      url: null,
      filename: null,
      contentSha256: 'e'.repeat(64),
      width: 3,
      height: 2,
      vectorBytes: encodeVector(axisVector(MOCK_DIMS, 1)),
    },
  ],
};

function responseError404(body: Record<string, unknown>) {
  return new errors.ResponseError({
    body,
    statusCode: 404,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

function answerGet(mock: Mock): void {
  mock.add({ method: 'GET', path: `/${ALIAS}/_doc/a` }, () => ({
    _index: ALIAS,
    _id: 'a',
    found: true,
    _seq_no: 7,
    _primary_term: 1,
    _source: STORED,
  }));
}

describe('ElasticsearchProductIndex.updateFields on a mock connection', () => {
  it('re-indexes the read document with its vectors, under if_seq_no, and starts over on 409', async () => {
    const mock = new Mock();
    const index = await openOnMock(mock);
    answerGet(mock);
    const sent: Array<Record<string, unknown>> = [];
    mock.add({ method: 'PUT', path: `/${ALIAS}/_doc/a` }, (params) => {
      sent.push({ query: params.querystring, body: params.body });
      if (sent.length === 1) return responseError(409, 'version_conflict_engine_exception');
      return { result: 'updated', _id: 'a' };
    });
    const product = await index.updateFields('a', { title: 'new' }, '2024-02-02T00:00:00.000Z');
    expect(product).toMatchObject({ id: 'a', title: 'new', updatedAt: '2024-02-02T00:00:00.000Z' });
    expect(sent).toHaveLength(2);
    expect(sent[1]!.query).toMatchObject({ if_seq_no: '7', if_primary_term: '1' });
    const body = sent[1]!.body as { images: Array<{ vector: number[] }> };
    expect(body.images[0]!.vector).toEqual(Array.from(axisVector(MOCK_DIMS, 1)));
  });

  it('gives up with INDEX_UNAVAILABLE when the product keeps changing', async () => {
    const mock = new Mock();
    const index = await openOnMock(mock);
    answerGet(mock);
    mock.add({ method: 'PUT', path: `/${ALIAS}/_doc/a` }, () =>
      responseError(409, 'version_conflict_engine_exception'),
    );
    const error = await expectCode(
      index.updateFields('a', { title: 'x' }, '2024-02-02T00:00:00.000Z'),
      'INDEX_UNAVAILABLE',
    );
    expect(error.details).toMatchObject({ reason: 'CONFLICT' });
  });
});

it('updateFields: a missing index is INDEX_UNAVAILABLE, a missing document null', async () => {
  const mock = new Mock();
  const index = await openOnMock(mock);
  let body: Record<string, unknown> = { error: { type: 'index_not_found_exception' }, status: 404 };
  mock.add({ method: 'GET', path: `/${ALIAS}/_doc/a` }, () => responseError404(body));
  await expectCode(index.updateFields('a', { title: 'x' }, STORED.updatedAt), 'INDEX_UNAVAILABLE');
  body = { _index: ALIAS, _id: 'a', found: false };
  expect(await index.updateFields('a', { title: 'x' }, STORED.updatedAt)).toBeNull();
});

describe('ElasticsearchProductIndex.findVectorsBySha256 on a mock connection', () => {
  it('reads each hit vector, null for no hit, and fails on a per-search error', async () => {
    const mock = new Mock();
    const index = await openOnMock(mock);
    let fail = false;
    mock.add({ method: ['GET', 'POST'], path: `/${ALIAS}/_msearch` }, () => ({
      responses: [
        {
          hits: {
            hits: [{ inner_hits: { images: { hits: { hits: [{ _source: STORED.images[0] }] } } } }],
          },
        },
        fail ? { error: { type: 'search_phase_execution_exception' } } : { hits: { hits: [] } },
      ],
    }));
    const [hit, miss] = await index.findVectorsBySha256(['e'.repeat(64), 'f'.repeat(64)]);
    expect(hit).toEqual({ vector: axisVector(MOCK_DIMS, 1), width: 3, height: 2 });
    expect(miss).toBeNull();
    fail = true;
    await expectCode(
      index.findVectorsBySha256(['e'.repeat(64), 'f'.repeat(64)]),
      'INDEX_UNAVAILABLE',
    );
  });
});
