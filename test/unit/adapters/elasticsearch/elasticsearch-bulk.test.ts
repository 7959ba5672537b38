/**
 * The bulk path on @elastic/elasticsearch-mock: requests cut by count and bytes, 429s retried
 * with back-off up to a cap (whole requests and single documents), later-request failures.
 */
import { Client } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { bulkUpsert } from '../../../../src/adapters/elasticsearch/elasticsearch-bulk';
import { expectCode } from '../../../helpers/expect-code';
import { MOCK_DIMS, responseError } from '../../../helpers/elasticsearch-mock';
import { axisVector, makeProduct } from '../../../helpers/product-fixtures';

const ALIAS = 'bulk-test';
const target = { alias: ALIAS, dims: MOCK_DIMS };
const doc = (id: string) => makeProduct({ id, vectors: [axisVector(MOCK_DIMS, 0)] });
const docs = (n: number) => Array.from({ length: n }, (_, i) => doc(`p${i}`));
const fast = { baseDelayMs: 1, maxDelayMs: 1 };

let mock: Mock;
let client: Client;
/** The ids of each `_bulk` request, in order. */
let requests: string[][];

type Reply = (ids: string[], request: number) => Record<string, unknown> | Error;

function onBulk(reply: Reply): void {
  mock.add({ method: 'POST', path: `/${ALIAS}/_bulk` }, ((params: { body: unknown }) => {
    const body = params.body as Array<{ index?: { _id: string } }>;
    const ids = body.flatMap((line) => (line.index === undefined ? [] : [line.index._id]));
    requests.push(ids);
    return reply(ids, requests.length);
  }) as never);
}

const items = (ids: string[], status: (id: string) => number) => ({
  errors: ids.some((id) => status(id) >= 300),
  took: 1,
  items: ids.map((_id) => {
    const code = status(_id);
    return {
      index: code < 300 ? { _id, status: code } : { _id, status: code, error: { type: 'x' } },
    };
  }),
});

beforeEach(() => {
  mock = new Mock();
  client = new Client({
    node: 'http://127.0.0.1:9200',
    Connection: mock.getConnection(),
    maxRetries: 0,
  });
  requests = [];
});

const write = (list: ReturnType<typeof docs>, limits: object = {}) =>
  bulkUpsert(client, target, list, {
    refresh: false,
    operation: 'upsertMany',
    limits: { ...fast, ...limits },
  });

it('cuts a large write into requests of at most maxActions, in order', async () => {
  onBulk((ids) => items(ids, () => 201));
  const outcomes = await write(docs(7), { maxActions: 3 });
  expect(outcomes).toEqual(Array(7).fill(null));
  expect(requests).toEqual([['p0', 'p1', 'p2'], ['p3', 'p4', 'p5'], ['p6']]);
});

it('cuts by bytes too, and a document larger than maxBytes still goes, alone', async () => {
  onBulk((ids) => items(ids, () => 201));
  const one = Buffer.byteLength(JSON.stringify(doc('p0')));
  const outcomes = await write(docs(4), { maxBytes: Math.floor(one * 2.5) });
  expect(outcomes).toEqual(Array(4).fill(null));
  expect(requests).toEqual([
    ['p0', 'p1'],
    ['p2', 'p3'],
  ]);
  requests = [];
  await write(docs(2), { maxBytes: 10 });
  expect(requests).toEqual([['p0'], ['p1']]);
});

it('retries only the documents refused with 429 until they pass', async () => {
  onBulk((ids, n) => items(ids, (id) => (n <= 2 && id === 'p1' ? 429 : 201)));
  const outcomes = await write(docs(3));
  expect(outcomes).toEqual([null, null, null]);
  expect(requests).toEqual([['p0', 'p1', 'p2'], ['p1'], ['p1']]);
});

it('gives up on a document after maxAttempts tries: OVERLOADED for it alone', async () => {
  onBulk((ids) => items(ids, (id) => (id === 'p1' ? 429 : 201)));
  const outcomes = await write(docs(3), { maxAttempts: 3 });
  expect(outcomes.map((o) => o?.code ?? null)).toEqual([null, 'OVERLOADED', null]);
  expect(requests).toEqual([['p0', 'p1', 'p2'], ['p1'], ['p1']]);
});

it('retries a whole request refused with 429, then throws OVERLOADED at the cap', async () => {
  onBulk((ids, n) =>
    n === 1 ? responseError(429, 'es_rejected_execution_exception') : items(ids, () => 201),
  );
  expect(await write(docs(2))).toEqual([null, null]);
  expect(requests).toHaveLength(2);
  mock.clearAll();
  requests = [];
  onBulk(() => responseError(429, 'es_rejected_execution_exception'));
  await expectCode(write(docs(2), { maxAttempts: 2 }), 'OVERLOADED');
  expect(requests).toHaveLength(2);
});

it('does not retry other failures', async () => {
  onBulk(() => responseError(503, 'unavailable_shards_exception'));
  await expectCode(write(docs(2)), 'INDEX_UNAVAILABLE');
  expect(requests).toHaveLength(1);
});

it('keeps written products when a later request fails: the rest get its error', async () => {
  onBulk((ids, n) =>
    n === 2 ? responseError(503, 'unavailable_shards_exception') : items(ids, () => 201),
  );
  const outcomes = await write(docs(5), { maxActions: 2 });
  expect(outcomes.map((o) => o?.code ?? null)).toEqual([
    null,
    null,
    'INDEX_UNAVAILABLE',
    'INDEX_UNAVAILABLE',
    'INDEX_UNAVAILABLE',
  ]);
  expect(requests).toEqual([
    ['p0', 'p1'],
    ['p2', 'p3'],
  ]);
});
