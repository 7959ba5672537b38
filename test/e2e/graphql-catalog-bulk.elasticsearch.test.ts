/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The catalog API scenarios over real HTTP, with the service on a real Elasticsearch node. */
import { describeCatalogBulkScenarios } from './catalog-bulk-scenarios';
import { describeOnElasticsearch } from './on-elasticsearch';

describeOnElasticsearch(
  'catalog API on the Elasticsearch backend',
  describeCatalogBulkScenarios,
  (count) => expect(count).toBeGreaterThan(0),
);
