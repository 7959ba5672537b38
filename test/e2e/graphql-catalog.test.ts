/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** Catalog writes and reads over real HTTP on the SQLite backend (the default). */
import { startTestServer } from '../helpers/test-server';
import { describeCatalogScenarios } from './catalog-scenarios';

describe('catalog on the SQLite backend', () => {
  describeCatalogScenarios(() => startTestServer());
});
