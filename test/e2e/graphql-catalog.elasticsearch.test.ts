/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The same catalog scenarios over real HTTP, with the service on a real Elasticsearch node. */
import {
  deleteIndicesWithPrefix,
  describeElasticsearch,
  esRequest,
  requireElasticsearch,
  testIndexPrefix,
} from '../helpers/elasticsearch';
import { startTestServer } from '../helpers/test-server';
import { describeCatalogScenarios } from './catalog-scenarios';

const prefix = testIndexPrefix();

describeElasticsearch('catalog on the Elasticsearch backend', () => {
  afterAll(() => deleteIndicesWithPrefix(prefix));
  describeCatalogScenarios(async () => {
    const url = await requireElasticsearch();
    return startTestServer({ ES_URL: url, ES_INDEX_PREFIX: prefix });
  });

  it('kept the products in Elasticsearch, under the index prefix of this run', async () => {
    const { status, body } = (await esRequest('GET', `/${prefix}-*/_count`)) as {
      status: number;
      body: { count: number };
    };
    expect(status).toBe(200);
    expect(body.count).toBeGreaterThan(0);
  });
});
