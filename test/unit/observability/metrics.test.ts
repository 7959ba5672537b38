import { ApolloServer } from '@apollo/server';
import { IndexUnavailableError } from '../../../src/errors/app-error';
import { graphqlMetricsPlugin } from '../../../src/graphql/plugins/metrics.plugin';
import { InstrumentedProductIndex } from '../../../src/observability/instrumented-product-index';
import { createMetrics } from '../../../src/observability/metrics';
import { ScriptedIndex } from '../../fakes/scripted-product-index';

/** The sample lines of `render()` for one metric name (with labels), e.g. `x_total{a="b"} 2`. */
function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('createMetrics', () => {
  it('gives every instance its own registry', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.inference.cacheLookup('text', true);
    expect(samples(await a.render(), 'product_search_embedding_cache_lookups_total')).toContain(
      'product_search_embedding_cache_lookups_total{kind="text",result="hit"} 1',
    );
    expect(samples(await b.render(), 'product_search_embedding_cache_lookups_total')).toContain(
      'product_search_embedding_cache_lookups_total{kind="text",result="hit"} 0',
    );
    expect(a.contentType).toMatch(/^text\/plain/);
  });

  it('renders inference, backend and process metrics after some calls', async () => {
    const metrics = createMetrics();
    metrics.inference.batch('image', 12, 40, false);
    metrics.inference.batch('text', 3, 2, true);
    metrics.inference.queueDepth('image', 7);
    metrics.inference.rejected('image', 2);
    metrics.inference.cacheLookup('image', false);
    metrics.backend.call('searchVector', 'success', 0.003);
    const text = await metrics.render();
    expect(samples(text, 'product_search_embedding_batch_size_sum')).toEqual([
      'product_search_embedding_batch_size_sum{kind="image"} 12',
      'product_search_embedding_batch_size_sum{kind="text"} 3',
    ]);
    expect(text).toContain('product_search_embedding_batch_size_bucket{le="16",kind="image"} 1');
    expect(text).toContain(
      'product_search_embedding_batch_duration_seconds_count{kind="text",outcome="error"} 1',
    );
    expect(samples(text, 'product_search_embedding_queue_depth')).toEqual([
      'product_search_embedding_queue_depth{kind="image"} 7',
      'product_search_embedding_queue_depth{kind="text"} 0',
    ]);
    expect(text).toContain('product_search_embedding_rejected_total{kind="image"} 2');
    expect(text).toContain(
      'product_search_embedding_cache_lookups_total{kind="image",result="miss"} 1',
    );
    expect(text).toContain(
      'product_search_index_request_duration_seconds_count{method="searchVector",outcome="success"} 1',
    );
    expect(text).toMatch(/^product_search_process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^product_search_nodejs_eventloop_lag_max_seconds /m);
  });

  it('counts indexed photos by source, both series present from the start', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const name = 'product_search_indexed_photos_total';
    expect(samples(await metrics.render(), name).sort()).toEqual([
      `${name}{source="embedded"} 0`,
      `${name}{source="reused"} 0`,
    ]);
    metrics.indexing.photos(3, 1);
    metrics.indexing.photos(2, 0);
    expect(samples(await metrics.render(), name).sort()).toEqual([
      `${name}{source="embedded"} 1`,
      `${name}{source="reused"} 5`,
    ]);
  });

  it('leaves process metrics out on request', async () => {
    const text = await createMetrics({ defaultMetrics: false }).render();
    expect(text).not.toContain('process_resident_memory_bytes');
    expect(text).toContain('product_search_graphql_requests_total');
  });

  it('caps operation-name labels so clients cannot grow the label set without bound', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (let i = 0; i < 105; i++) metrics.graphql.operation(`Op${i}`, 'success', 0.01);
    metrics.graphql.operation('Op0', 'success', 0.01);
    metrics.graphql.operation(null, 'BAD_USER_INPUT', 0.01);
    metrics.graphql.operation('not a name!', 'lower case outcome', 0.01);
    const lines = samples(await metrics.render(), 'product_search_graphql_requests_total');
    expect(lines).toHaveLength(100 + 3);
    expect(lines).toContain(
      'product_search_graphql_requests_total{operation="Op0",outcome="success"} 2',
    );
    expect(lines).toContain(
      'product_search_graphql_requests_total{operation="(other)",outcome="success"} 5',
    );
    expect(lines).toContain(
      'product_search_graphql_requests_total{operation="(anonymous)",outcome="BAD_USER_INPUT"} 1',
    );
    expect(lines).toContain(
      'product_search_graphql_requests_total{operation="(invalid)",outcome="UNKNOWN"} 1',
    );
  });
});

describe('graphqlMetricsPlugin', () => {
  it('counts and times operations per name and outcome', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const server = new ApolloServer({
      typeDefs: 'type Query { hello: String }',
      resolvers: { Query: { hello: () => 'hi' } },
      plugins: [graphqlMetricsPlugin(metrics.graphql)],
    });
    await server.start();
    try {
      await server.executeOperation({ query: 'query Greet { hello }' });
      await server.executeOperation({ query: 'query Greet { hello }' });
      await server.executeOperation({ query: 'query Broken { nope }' });
      await server.executeOperation({ query: '{ hello }' });
    } finally {
      await server.stop();
    }
    const text = await metrics.render();
    expect(samples(text, 'product_search_graphql_requests_total')).toEqual([
      'product_search_graphql_requests_total{operation="Greet",outcome="success"} 2',
      'product_search_graphql_requests_total{operation="(anonymous)",outcome="GRAPHQL_VALIDATION_FAILED"} 1',
      'product_search_graphql_requests_total{operation="(anonymous)",outcome="success"} 1',
    ]);
    expect(text).toContain(
      'product_search_graphql_request_duration_seconds_count{operation="Greet",outcome="success"} 2',
    );
  });
});

describe('InstrumentedProductIndex', () => {
  it('times each call per method and outcome, and passes results and errors through', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const inner = new ScriptedIndex();
    const down = new IndexUnavailableError('down');
    inner.ping = () => Promise.reject(down);
    const index = new InstrumentedProductIndex(inner, metrics.backend);
    expect(index.kind).toBe('scripted');
    await expect(index.getImageVectors(['a'])).resolves.toEqual([null]);
    await expect(index.getMany(['a'])).resolves.toEqual([null]);
    await expect(index.ping()).rejects.toBe(down);
    expect(inner.getManyCalls).toEqual([['a']]);
    const lines = samples(
      await metrics.render(),
      'product_search_index_request_duration_seconds_count',
    );
    expect(lines).toEqual([
      'product_search_index_request_duration_seconds_count{method="getImageVectors",outcome="success"} 1',
      'product_search_index_request_duration_seconds_count{method="getMany",outcome="success"} 1',
      'product_search_index_request_duration_seconds_count{method="ping",outcome="error"} 1',
    ]);
  });
});
