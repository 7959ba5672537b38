/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** Search scenarios over real HTTP on the SQLite backend (the default). */
import { startTestServer } from '../helpers/test-server';
import { describeSearchScenarios, SEARCH_SERVER_ENV } from './search-scenarios';

describe('search on the SQLite backend', () => {
  describeSearchScenarios(() => startTestServer(SEARCH_SERVER_ENV));
});
