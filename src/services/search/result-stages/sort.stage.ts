import type { Product } from '../../../domain/product';
import type { CursorKey } from '../cursor';
import type { CollapsedHit } from './duplicate-collapse.stage';
import type { SearchSort } from './shaping-plan';

type Sorted = Exclude<SearchSort, 'RELEVANCE'>;

/** A hit with the value its sort orders by. */
export interface SortedHit extends CollapsedHit {
  readonly value: number;
}

/** Price, or createdAt as epoch milliseconds (NEWEST). */
function sortValue(sort: Sorted, product: Product): number {
  return sort === 'NEWEST' ? Date.parse(product.createdAt) : product.price;
}

/** -1 when a sorts first: the value in the sort's direction, then relevance, then product id. */
function compare(sort: Sorted, a: CursorKey & { value: number }, b: CursorKey & { value: number }) {
  const ascending = sort === 'PRICE_ASC';
  if (a.value !== b.value) return a.value < b.value === ascending ? -1 : 1;
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  return a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;
}

/**
 * Orders the relevant set by the sort; ties by relevance (score), then product id. `products`
 * maps ids to the loaded products; a hit whose product vanished since the search is dropped.
 */
export function sortHits(
  hits: readonly CollapsedHit[],
  products: ReadonlyMap<string, Product>,
  sort: Sorted,
): SortedHit[] {
  const sorted: SortedHit[] = [];
  for (const hit of hits) {
    const product = products.get(hit.productId);
    if (product !== undefined) sorted.push({ ...hit, value: sortValue(sort, product) });
  }
  return sorted.sort((a, b) => compare(sort, a, b));
}

/**
 * The keyset predicate of a sorted order: is `hit` strictly after the cursor's key? The cursor's
 * own product never is: a fused score moves when the catalog changes (RRF ranks shift), and the
 * hit the last page ended on must not come back because its score dropped. Among other products
 * of exactly the cursor's sort value, the order is by their scores now.
 */
export function afterInSort(sort: Sorted): (hit: CursorKey, key: CursorKey) => boolean {
  return (hit, key) =>
    hit.productId !== key.productId &&
    hit.value !== undefined &&
    key.value !== undefined &&
    compare(sort, { ...hit, value: hit.value }, { ...key, value: key.value }) > 0;
}
