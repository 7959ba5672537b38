/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The same search scenarios over real HTTP, with the service on a real Elasticsearch node. */
import { CATALOG } from './catalog-fixture';
import { describeOnElasticsearch } from './on-elasticsearch';
import { describeSearchScenarios, SEARCH_SERVER_ENV } from './search-scenarios';

describeOnElasticsearch(
  'search on the Elasticsearch backend',
  describeSearchScenarios,
  (count) => expect(count).toBe(CATALOG.length),
  SEARCH_SERVER_ENV,
);
