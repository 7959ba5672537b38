/**
 * The Elasticsearch interaction store's error paths a live node cannot produce on demand, over
 * @elastic/elasticsearch-mock: a bulk item refused with 429, aggregates that keep meeting a
 * concurrent writer, and a node that cannot be reached. The happy paths run on a real node in
 * test/contract/interactions-elasticsearch.contract.test.ts.
 */
import { Client, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { ElasticsearchInteractionStore } from '../../../../src/adapters/elasticsearch/elasticsearch-interaction-store';
import type { InteractionEvent } from '../../../../src/domain/interaction';
import { expectCode } from '../../../helpers/expect-code';

const NODE = 'http://127.0.0.1:9200';
const EVENT: InteractionEvent = {
  type: 'CLICK',
  productId: 'a',
  queryKey: undefined,
  sessionId: undefined,
  atMs: Date.UTC(2026, 0, 1),
};

async function openOnMock(mock: Mock): Promise<ElasticsearchInteractionStore> {
  mock.add({ method: 'HEAD', path: '/bench-interactions-events' }, () => ({}));
  mock.add({ method: 'HEAD', path: '/bench-interactions-popularity' }, () => ({}));
  const client = new Client({ node: NODE, Connection: mock.getConnection(), maxRetries: 0 });
  const store = new ElasticsearchInteractionStore(
    { node: NODE, indexPrefix: 'bench', requestTimeoutMs: 1000, halfLifeMs: 1000 },
    client,
  );
  await store.open();
  return store;
}

type BulkItem = Record<string, { status: number; error?: { type: string; reason: string } }>;
const bulk = (items: BulkItem[]) => ({
  errors: items.some((i) => Object.values(i)[0]?.error),
  items,
});

describe('ElasticsearchInteractionStore error paths', () => {
  let mock: Mock;
  beforeEach(() => {
    mock = new Mock();
  });

  it('answers OVERLOADED when the node refuses raw events with 429', async () => {
    const store = await openOnMock(mock);
    mock.add({ method: 'POST', path: '/_bulk' }, () =>
      bulk([
        {
          create: {
            status: 429,
            error: { type: 'es_rejected_execution_exception', reason: 'full' },
          },
        },
      ]),
    );
    await expectCode(store.record([EVENT]), 'OVERLOADED');
  });

  it('gives up with INDEX_UNAVAILABLE (reason CONFLICT) when every round meets another writer', async () => {
    const store = await openOnMock(mock);
    let bulks = 0;
    mock.add({ method: 'POST', path: '/_bulk' }, () => {
      bulks += 1;
      // The first bulk stores the raw event; every aggregate round after it conflicts.
      if (bulks === 1) return bulk([{ create: { status: 201 } }]);
      return bulk([
        {
          create: {
            status: 409,
            error: { type: 'version_conflict_engine_exception', reason: 'x' },
          },
        },
      ]);
    });
    mock.add({ method: 'POST', path: '/bench-interactions-popularity/_mget' }, () => ({
      docs: [{ _index: 'bench-interactions-popularity', _id: 'x', found: false }],
    }));
    const error = await expectCode(store.record([EVENT]), 'INDEX_UNAVAILABLE');
    expect(error.details).toMatchObject({ reason: 'CONFLICT', attempts: 8 });
    expect(bulks).toBe(9);
  });

  it('answers INDEX_UNAVAILABLE when the node cannot be reached, for writes and reads', async () => {
    const store = await openOnMock(mock);
    const refused = () => new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200');
    mock.add({ method: 'POST', path: '/_bulk' }, refused);
    mock.add({ method: 'POST', path: '/bench-interactions-popularity/_mget' }, refused);
    await expectCode(store.record([EVENT]), 'INDEX_UNAVAILABLE');
    await expectCode(store.popularity(['a'], 'q'), 'INDEX_UNAVAILABLE');
  });
});
