import type { Product } from '../../../domain/product';

interface FacetCount {
  readonly value: string;
  readonly count: number;
}

/** Products with min <= price < max; null = unbounded. */
interface PriceBucketCount {
  readonly min: number | null;
  readonly max: number | null;
  readonly count: number;
}

export interface SearchFacets {
  readonly categories: readonly FacetCount[];
  readonly tags: readonly FacetCount[];
  readonly prices: readonly PriceBucketCount[];
}

/** The product sets each facet counts over (disjunctive: see shape-results.ts). */
export interface FacetSets {
  readonly categories: readonly Product[];
  readonly tags: readonly Product[];
  readonly prices: readonly Product[];
}

/** Facet counts: categories and tags most frequent first, then by value; every price bucket. */
export function countFacets(sets: FacetSets, edges: readonly number[]): SearchFacets {
  return {
    categories: countValues(sets.categories.map((product) => [product.category])),
    tags: countValues(sets.tags.map((product) => product.tags)),
    prices: countPrices(
      sets.prices.map((product) => product.price),
      edges,
    ),
  };
}

/** Each product counts once per distinct value it carries. */
function countValues(valuesPerProduct: ReadonlyArray<readonly string[]>): FacetCount[] {
  const counts = new Map<string, number>();
  for (const values of valuesPerProduct) {
    for (const value of new Set(values)) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** Edges e1 < ... < en: buckets [null, e1), [e1, e2), ..., [en, null), empty ones included. */
function countPrices(prices: readonly number[], edges: readonly number[]): PriceBucketCount[] {
  const bounds = [null, ...edges, null];
  const buckets = bounds
    .slice(0, -1)
    .map((min, i) => ({ min, max: bounds[i + 1] ?? null, count: 0 }));
  for (const price of prices) {
    // The bucket is the number of edges at or below the price.
    const at = edges.filter((edge) => edge <= price).length;
    const bucket = buckets[at];
    if (bucket !== undefined) bucket.count += 1;
  }
  return buckets;
}
