import {
  deleteIndicesWithPrefix,
  describeElasticsearch,
  esRequest,
  requireElasticsearch,
  testIndexPrefix,
} from '../helpers/elasticsearch';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';

/**
 * Runs e2e scenarios against the real app configured for a real Elasticsearch node, under an
 * index prefix of its own (deleted afterwards), then proves the products really went there.
 */
export function describeOnElasticsearch(
  name: string,
  scenarios: (start: () => Promise<TestServer>) => void,
  expectStoredCount: (count: number) => void,
  env: Readonly<Record<string, string>> = {},
): void {
  const prefix = testIndexPrefix();
  describeElasticsearch(name, () => {
    afterAll(() => deleteIndicesWithPrefix(prefix));
    scenarios(async () => {
      const url = await requireElasticsearch();
      return startTestServer({ ...env, ES_URL: url, ES_INDEX_PREFIX: prefix });
    });

    it('kept the products in Elasticsearch, under the index prefix of this run', async () => {
      const { status, body } = (await esRequest('GET', `/${prefix}-*/_count`)) as {
        status: number;
        body: { count: number };
      };
      expect(status).toBe(200);
      expectStoredCount(body.count);
    });
  });
}
