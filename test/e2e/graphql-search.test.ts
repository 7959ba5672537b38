/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** Search scenarios over real HTTP on the SQLite backend (the default). */
import { startTestServer } from '../helpers/test-server';
import { describeSearchScenarios } from './search-scenarios';

describe('search on the SQLite backend', () => {
  describeSearchScenarios(() => startTestServer());
});
