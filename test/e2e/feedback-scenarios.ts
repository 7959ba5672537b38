/**
 * The feedback loop over real HTTP against the real app (toy colour CLIP + a real backend):
 * clicks recorded with recordInteractions make the clicked product rise for the query they came
 * from once a search blends popularity in; at weight 0 nothing changes. Defined once, run
 * against every backend (graphql-feedback*.test.ts).
 */
import type { TestServer } from '../helpers/test-server';
import { indexCatalog } from './catalog-fixture';

const SEARCH = `query Search($text: String, $first: Int, $popularityWeight: Float) {
  similarImages(text: $text, first: $first, popularityWeight: $popularityWeight) {
    edges { cursor node { score product { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const RECORD = `mutation Record($events: [InteractionInput!]!) {
  recordInteractions(events: $events) { recorded }
}`;

interface Connection {
  edges: Array<{ cursor: string; node: { score: number; product: { id: string } } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The largest batch the scenarios' servers accept (INTERACTION_MAX_BATCH). */
export const MAX_BATCH = 40;

export function describeFeedbackScenarios(
  start: () => Promise<TestServer>,
  storedEvents?: (server: TestServer) => Promise<number>,
): void {
  let server: TestServer;
  let recorded = 0;

  beforeAll(async () => {
    server = await start();
    await indexCatalog(server);
  });
  afterAll(() => server?.stop());

  async function search(variables: Record<string, unknown>): Promise<Connection> {
    const response = await server.graphql(SEARCH, { first: 12, ...variables });
    expect(response.body.errors).toBeUndefined();
    return (response.body.data as { similarImages: Connection }).similarImages;
  }
  const ids = (connection: Connection) => connection.edges.map((e) => e.node.product.id);

  async function record(events: Array<Record<string, unknown>>) {
    const response = await server.graphql(RECORD, { events });
    if (response.body.errors === undefined) recorded += events.length;
    return response;
  }
  const codeOf = (response: Awaited<ReturnType<typeof record>>) =>
    response.body.errors?.map((e) => [
      e.extensions?.code,
      (e.extensions?.details as { argument?: string } | undefined)?.argument,
    ]);

  it('refuses bad events with coded errors and stores none of their batch', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const cases: Array<[Array<Record<string, unknown>>, unknown[]]> = [
      [
        [
          { type: 'CLICK', productId: 'sku-red' },
          { type: 'CLICK', productId: 'sku-nope' },
        ],
        [['NOT_FOUND', 'events.1.productId']],
      ],
      [[{ type: 'VIEW', productId: 'sku-red', at: future }], [['BAD_USER_INPUT', 'events.0.at']]],
      [
        Array.from({ length: MAX_BATCH + 1 }, () => ({ type: 'VIEW', productId: 'sku-red' })),
        [['BAD_USER_INPUT', 'events']],
      ],
      [
        [{ type: 'VIEW', productId: 'sku-red', sessionId: 's'.repeat(201) }],
        [['BAD_USER_INPUT', 'events.0.sessionId']],
      ],
    ];
    for (const [events, expected] of cases) {
      const response = await record(events);
      expect(codeOf(response)).toEqual(expected);
      expect(response.body.data).toBeNull();
    }
    if (storedEvents !== undefined) expect(await storedEvents(server)).toBe(0);
  });

  it('after enough clicks for a query, the clicked product rises for it; at weight 0 nothing changes', async () => {
    const before = await search({ text: 'red' });
    const blended = await search({ text: 'red', popularityWeight: 0.1 });
    // Nothing recorded yet: the blend changes nothing.
    expect(JSON.stringify(blended)).toBe(JSON.stringify(before));
    const rankBefore = ids(before).indexOf('sku-blue');
    expect(rankBefore).toBeGreaterThan(0);

    const clicks = Array.from({ length: MAX_BATCH }, (_, i) => ({
      type: 'CLICK',
      productId: 'sku-blue',
      query: '  Red ',
      sessionId: `session-${i % 4}`,
    }));
    // Concurrent requests, as from many shoppers: group commit writes them together.
    const responses = await Promise.all([record(clicks), record(clicks.slice(0, 10))]);
    for (const response of responses) expect(response.body.errors).toBeUndefined();
    expect(responses.map((r) => r.body.data)).toEqual([
      { recordInteractions: { recorded: MAX_BATCH } },
      { recordInteractions: { recorded: 10 } },
    ]);

    const unweighted = await search({ text: 'red' });
    expect(JSON.stringify(unweighted)).toBe(JSON.stringify(before));
    const after = await search({ text: 'red', popularityWeight: 0.1 });
    expect(ids(after)[0]).toBe('sku-blue');
    // The rest keep their relative order (nothing else was clicked).
    expect(ids(after).filter((id) => id !== 'sku-blue')).toEqual(
      ids(before).filter((id) => id !== 'sku-blue'),
    );
    const blueScore = after.edges[0]!.node.score;
    const relevance = before.edges[rankBefore]!.node.score;
    expect(blueScore).toBeGreaterThan(relevance);
    expect(blueScore).toBeLessThan(relevance + 0.1);
    if (storedEvents !== undefined) expect(await storedEvents(server)).toBe(recorded);
  });

  it('counts recorded and refused events on /metrics', async () => {
    const response = await fetch(`${server.url}/metrics`);
    const text = await response.text();
    expect(text).toContain(`product_search_interactions_recorded_total{type="CLICK"} ${recorded}`);
    expect(text).toMatch(/product_search_interactions_refused_total\{code="NOT_FOUND"\} 2/);
    expect(text).toMatch(/product_search_interactions_refused_total\{code="BAD_USER_INPUT"\} 43/);
  });
}
