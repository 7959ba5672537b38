import type { SearchLimits } from '../../src/services/search/search-limits';

/** The limits the service ran with before they moved to config; tests say what they change. */
export function searchLimits(overrides: Partial<SearchLimits> = {}): SearchLimits {
  return {
    defaultFirst: 10,
    maxFirst: 100,
    depth: 200,
    maxTextLength: 1000,
    maxExamples: 16,
    ...overrides,
  };
}
