/**
 * The Elasticsearch adapter on a mock connection, for answers a live node gives only under
 * load or never: partial bulk failures (each document gets its own outcome) and malformed
 * responses (INDEX_UNAVAILABLE, never a TypeError or a wrong answer).
 */
import Mock from '@elastic/elasticsearch-mock';
import { DEFAULT_BULK_LIMITS } from '../../../../src/adapters/elasticsearch/elasticsearch-bulk';
import { encodeVector } from '../../../../src/adapters/elasticsearch/elasticsearch-vector-codec';
import { codeOf, expectCode } from '../../../helpers/expect-code';
import { answer, MOCK_DIMS, openOnMock } from '../../../helpers/elasticsearch-mock';
import { axisVector, makeProduct } from '../../../helpers/product-fixtures';

const vector = axisVector(MOCK_DIMS, 0);
const doc = (id: string) => makeProduct({ id, vectors: [vector] });
let mock: Mock;

beforeEach(() => {
  mock = new Mock();
});

/** `_bulk` answers as a node does: one item per action, in order. */
function bulkItems(...items: Array<Record<string, unknown>>) {
  return () => ({
    errors: items.some((item) => 'error' in item),
    took: 1,
    items: items.map((index) => ({ index })),
  });
}

describe('upsertMany on a mock connection: partial bulk failures', () => {
  it('gives each document its own outcome, in order, and sends only those with the right dims', async () => {
    const index = await openOnMock(mock);
    const sent: unknown[] = [];
    // A node answers each action by its id: 'busy' is refused with 429 every time it comes.
    const answers: Record<string, Record<string, unknown>> = {
      ok: { _id: 'ok', status: 201, result: 'created' },
      busy: { _id: 'busy', status: 429, error: { type: 'es_rejected_execution_exception' } },
      bad: { _id: 'bad', status: 400, error: { type: 'document_parsing_exception' } },
      broken: { _id: 'broken', status: 500, error: { type: 'exception' } },
    };
    answer(mock, 'bulk', (params) => {
      const body = params.body as Array<{ index?: { _id: string } }>;
      sent.push(...body);
      const ids = body.flatMap((line) => (line.index === undefined ? [] : [line.index._id]));
      return bulkItems(...ids.map((id) => answers[id] as Record<string, unknown>))();
    });
    const wrongDims = makeProduct({ id: 'dims', vectors: [axisVector(MOCK_DIMS + 1, 0)] });
    const outcomes = await index.upsertMany([
      doc('ok'),
      doc('busy'),
      wrongDims,
      doc('bad'),
      doc('broken'),
    ]);
    expect(outcomes.map((outcome) => outcome?.code ?? null)).toEqual([
      null,
      'OVERLOADED',
      'DIMENSION_MISMATCH',
      'BAD_USER_INPUT',
      'INDEX_UNAVAILABLE',
    ]);
    expect(outcomes[3]?.details).toMatchObject({ status: 400, type: 'document_parsing_exception' });
    const actions = sent.filter(
      (line) => typeof line === 'object' && line !== null && 'index' in line,
    );
    // The first request carries the four; the 429 is retried alone, up to the attempt cap.
    const retries = DEFAULT_BULK_LIMITS.maxAttempts - 1;
    const expected = ['ok', 'busy', 'bad', 'broken', ...Array<string>(retries).fill('busy')];
    expect(actions).toEqual(expected.map((_id) => ({ index: { _id } })));
  });

  it('makes upsert reject with its one item error', async () => {
    const index = await openOnMock(mock);
    answer(
      mock,
      'bulk',
      bulkItems({ _id: 'a', status: 429, error: { type: 'es_rejected_execution_exception' } }),
    );
    await expectCode(index.upsert(doc('a')), 'OVERLOADED');
  });

  it('sends nothing when no document has the right dims', async () => {
    const index = await openOnMock(mock);
    let requests = 0;
    answer(mock, 'bulk', () => ((requests += 1), {}));
    const wrong = makeProduct({ id: 'w', vectors: [axisVector(MOCK_DIMS - 1, 0)] });
    expect((await index.upsertMany([wrong])).map((outcome) => outcome?.code)).toEqual([
      'DIMENSION_MISMATCH',
    ]);
    expect(requests).toBe(0);
  });
});

describe('malformed answers on a mock connection', () => {
  it.each([
    ['fewer bulk items than actions', bulkItems({ _id: 'a', status: 201 })],
    ['no items at all', () => ({ took: 1, errors: false })],
    ['a body that is not JSON', () => 'upstream proxy error'],
  ])('rejects upsertMany as a whole on %s', async (_label, reply) => {
    const index = await openOnMock(mock);
    answer(mock, 'bulk', reply);
    await expectCode(index.upsertMany([doc('a'), doc('b')]), 'INDEX_UNAVAILABLE');
  });

  it('treats a search or mget answer without hits or docs as INDEX_UNAVAILABLE', async () => {
    const index = await openOnMock(mock);
    answer(mock, 'search', () => ({ took: 1 }));
    answer(mock, 'mget', () => ({ docs: 'nope' }));
    expect(
      await Promise.all([
        codeOf(index.searchVector({ vector, filter: {}, k: 1 })),
        codeOf(index.searchKeyword({ text: 'x', filter: {}, k: 1 })),
        codeOf(index.getMany(['a'])),
        codeOf(index.getImageVectors(['a'])),
      ]),
    ).toEqual(Array(4).fill('INDEX_UNAVAILABLE'));
  });

  it('treats a per-document mget error as INDEX_UNAVAILABLE, not as an unknown id', async () => {
    const index = await openOnMock(mock);
    answer(mock, 'mget', () => ({
      docs: [{ _index: 'x', _id: 'a', error: { type: 'no_shard_available_action_exception' } }],
    }));
    await expectCode(index.getMany(['a']), 'INDEX_UNAVAILABLE');
    await expectCode(index.getImageVectors(['a']), 'INDEX_UNAVAILABLE');
  });

  it('refuses a stored vector copy of the wrong length instead of returning it', async () => {
    const index = await openOnMock(mock);
    const stored = (bytes: string) => () => ({
      docs: [
        {
          _id: 'a',
          found: true,
          _source: { images: [{ id: 'a#0', position: 0, vectorBytes: bytes }] },
        },
      ],
    });
    answer(mock, 'mget', stored(encodeVector(vector)));
    const [images] = await index.getImageVectors(['a']);
    expect(images?.map((image) => Array.from(image.vector))).toEqual([Array.from(vector)]);
    mock.clearAll();
    answer(mock, 'mget', stored(encodeVector(axisVector(MOCK_DIMS + 1, 0))));
    const error = await expectCode(index.getImageVectors(['a']), 'INDEX_UNAVAILABLE');
    expect(error.details).toMatchObject({ imageId: 'a#0', expectedBytes: MOCK_DIMS * 4 });
  });
});
