/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The ingest command against the real service, with the service on a real Elasticsearch node. */
import {
  deleteIndicesWithPrefix,
  describeElasticsearch,
  requireElasticsearch,
  testIndexPrefix,
} from '../helpers/elasticsearch';
import { startTestServer } from '../helpers/test-server';
import { describeIngestAgainstService } from './ingest-service-scenarios';

const prefix = testIndexPrefix();
describeElasticsearch('ingest command against the service on Elasticsearch', () => {
  afterAll(() => deleteIndicesWithPrefix(prefix));
  describeIngestAgainstService(async (env) =>
    startTestServer({ ...env, ES_URL: await requireElasticsearch(), ES_INDEX_PREFIX: prefix }),
  );
});
