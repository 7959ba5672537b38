/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The catalog API (bulk, partial updates, photos) over real HTTP on the SQLite backend. */
import { startTestServer } from '../helpers/test-server';
import { describeCatalogBulkScenarios } from './catalog-bulk-scenarios';

describe('catalog API on the SQLite backend', () => {
  describeCatalogBulkScenarios(() => startTestServer());
});
