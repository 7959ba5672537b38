/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The same result shaping scenarios over real HTTP, on a real Elasticsearch node. */
import { CATALOG } from './catalog-fixture';
import { describeOnElasticsearch } from './on-elasticsearch';
import { describeShapingScenarios } from './shaping-scenarios';

// The planted copy of the red product stays; the two late products were deleted.
describeOnElasticsearch(
  'result shaping on the Elasticsearch backend',
  describeShapingScenarios,
  (count) => expect(count).toBe(CATALOG.length + 1),
);
