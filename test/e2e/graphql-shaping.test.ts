/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** Result shaping scenarios over real HTTP on the SQLite backend (the default). */
import { startTestServer } from '../helpers/test-server';
import { describeShapingScenarios } from './shaping-scenarios';

describe('result shaping on the SQLite backend', () => {
  describeShapingScenarios(() => startTestServer());
});
