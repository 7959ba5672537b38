/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The same feedback scenarios with the service on a real Elasticsearch node. */
import { interactionIndexNames } from '../../src/adapters/elasticsearch/elasticsearch-interaction-store';
import {
  deleteIndicesWithPrefix,
  describeElasticsearch,
  esRequest,
  requireElasticsearch,
  testIndexPrefix,
} from '../helpers/elasticsearch';
import { startTestServer } from '../helpers/test-server';
import { describeFeedbackScenarios, MAX_BATCH } from './feedback-scenarios';

const prefix = testIndexPrefix();

describeElasticsearch('feedback loop on the Elasticsearch backend', () => {
  afterAll(() => deleteIndicesWithPrefix(prefix));
  describeFeedbackScenarios(
    async () => {
      const url = await requireElasticsearch();
      return startTestServer({
        ES_URL: url,
        ES_INDEX_PREFIX: prefix,
        INTERACTION_MAX_BATCH: String(MAX_BATCH),
      });
    },
    // The raw events really went to Elasticsearch, under this run's prefix.
    async () => {
      const { events } = interactionIndexNames(prefix);
      await esRequest('POST', `/${events}/_refresh`);
      const { body } = (await esRequest('GET', `/${events}/_count`)) as {
        body: { count: number };
      };
      return body.count;
    },
  );
});
