import { priceBucketsProblem } from '../../domain/price-buckets';

/**
 * How much one search may ask for. The service has no defaults of its own: the composition root
 * passes `config.search`, tests build their own.
 */
export interface SearchLimits {
  /** Page size when the request gives no `first`. */
  readonly defaultFirst: number;
  /** Largest `first` a request may give. */
  readonly maxFirst: number;
  /** How deep each list is read when several lists are fused; the deepest reachable result. */
  readonly depth: number;
  /** Longest query text, in UTF-16 code units after trimming. */
  readonly maxTextLength: number;
  /** Most examples (similarTo, recommend's positives and negatives) in one search. */
  readonly maxExamples: number;
  /**
   * Price bucket edges for facets when a request gives none (SEARCH_PRICE_BUCKETS); no price
   * buckets when absent. See domain/price-buckets.ts.
   */
  readonly priceBuckets?: readonly number[];
}

/** Throws a TypeError stating the contract when limits could never serve a request. */
export function checkSearchLimits(limits: SearchLimits): SearchLimits {
  const { priceBuckets, ...counts } = limits;
  const problem = priceBuckets === undefined ? undefined : priceBucketsProblem(priceBuckets);
  if (problem !== undefined) {
    throw new TypeError(`SearchLimits.priceBuckets: ${problem}, got [${String(priceBuckets)}]`);
  }
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      throw new TypeError(`SearchLimits.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if (limits.defaultFirst > limits.maxFirst) {
    throw new TypeError(
      `SearchLimits.defaultFirst (${limits.defaultFirst}) must not exceed maxFirst (${limits.maxFirst})`,
    );
  }
  return Object.freeze({
    ...limits,
    ...(priceBuckets === undefined ? {} : { priceBuckets: Object.freeze([...priceBuckets]) }),
  });
}
