/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The same catalog scenarios over real HTTP, with the service on a real Elasticsearch node. */
import { describeCatalogScenarios } from './catalog-scenarios';
import { describeOnElasticsearch } from './on-elasticsearch';

describeOnElasticsearch('catalog on the Elasticsearch backend', describeCatalogScenarios, (count) =>
  expect(count).toBeGreaterThan(0),
);
