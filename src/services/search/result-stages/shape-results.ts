import type { Product } from '../../../domain/product';
import type { ProductFilter, SearchHit } from '../../../domain/search';
import type { ProductIndex } from '../../../ports/product-index.port';
import type { CursorKey } from '../cursor';
import type { CollapsedHit } from './duplicate-collapse.stage';
import { collapseDuplicates, uncollapsed } from './duplicate-collapse.stage';
import type { SearchFacets } from './facets.stage';
import { countFacets } from './facets.stage';
import { matchedVectors } from './matched-vectors';
import { diversify } from './mmr-diversity.stage';
import type { ShapingPlan } from './shaping-plan';
import { afterInSort, sortHits } from './sort.stage';

/** A hit of the shaped ranking; `value` is its sort value in a sorted order. */
interface ShapedHit extends CollapsedHit {
  readonly value?: number;
}

export interface ShapedResults {
  /** The relevant set in the requested order (diversified: only the first `pageEnd` are MMR). */
  readonly hits: readonly ShapedHit[];
  readonly totalCount: number;
  readonly facets: SearchFacets | undefined;
  /** The keyset predicate of a sorted order; undefined in relevance and diversified orders. */
  readonly isAfter: ((hit: ShapedHit, key: CursorKey) => boolean) | undefined;
}

/** The relevant ranking for the request's query with this filter: minScore applied, cut at depth. */
type RankWith = (filter: ProductFilter) => Promise<SearchHit[]>;

interface ShapeInput {
  readonly shaping: ShapingPlan;
  readonly filter: ProductFilter;
  readonly index: ProductIndex;
  readonly rank: RankWith;
  /** How many hits the page needs in order (offset + first + 1): MMR goes this far. */
  readonly pageEnd: number;
}

/**
 * The relevant set (the ranking within the depth, minScore applied, near-duplicates collapsed)
 * and what the request asks of it: totalCount, facets, a sort or a diversified order.
 *
 * Disjunctive facets: categories are counted over the relevant set of the same query with the
 * filter's category removed, prices with its price bounds removed (so the other values stay
 * selectable); each extra ranking runs only when that part of the filter is set, in parallel
 * with the main one. Tags are counted over the relevant set itself.
 */
export async function shapeResults(input: ShapeInput): Promise<ShapedResults> {
  const { shaping, filter, index } = input;
  const facets = shaping.facets;
  const { category, minPrice, maxPrice, ...rest } = filter;
  const [main, byCategory, byPrice] = await Promise.all([
    relevantSet(input, filter, shaping.diversity > 0),
    facets && category !== undefined
      ? relevantSet(input, { ...rest, minPrice, maxPrice }, false)
      : undefined,
    facets && (minPrice !== undefined || maxPrice !== undefined)
      ? relevantSet(input, { ...rest, category }, false)
      : undefined,
  ]);
  const needProducts = facets || shaping.sort !== 'RELEVANCE';
  const products = needProducts
    ? await loadProducts(index, [main.hits, byCategory?.hits ?? [], byPrice?.hits ?? []])
    : new Map<string, Product>();
  const productsOf = (hits: readonly SearchHit[]) =>
    hits.flatMap((hit) => products.get(hit.productId) ?? []);
  return {
    hits: order(input, main, products),
    totalCount: main.hits.length,
    facets: facets
      ? countFacets(
          {
            categories: productsOf((byCategory ?? main).hits),
            tags: productsOf(main.hits),
            prices: productsOf((byPrice ?? main).hits),
          },
          shaping.priceBuckets,
        )
      : undefined,
    isAfter: shaping.sort === 'RELEVANCE' ? undefined : afterInSort(shaping.sort),
  };
}

interface RelevantSet {
  readonly hits: readonly CollapsedHit[];
  readonly vectors: ReadonlyMap<string, Float32Array>;
}

/** Ranks with this filter and collapses near-duplicates when asked; vectors only when needed. */
async function relevantSet(
  input: ShapeInput,
  filter: ProductFilter,
  forDiversity: boolean,
): Promise<RelevantSet> {
  const ranked = await input.rank(filter);
  const threshold = input.shaping.duplicateThreshold;
  const vectors =
    threshold !== undefined || forDiversity
      ? await matchedVectors(input.index, ranked)
      : new Map<string, Float32Array>();
  return {
    hits:
      threshold === undefined
        ? uncollapsed(ranked)
        : collapseDuplicates(ranked, vectors, threshold),
    vectors,
  };
}

function order(
  input: ShapeInput,
  main: RelevantSet,
  products: ReadonlyMap<string, Product>,
): ShapedHit[] {
  const { sort, diversity } = input.shaping;
  if (sort !== 'RELEVANCE') return sortHits(main.hits, products, sort);
  if (diversity > 0) return diversify(main.hits, main.vectors, diversity, input.pageEnd);
  return [...main.hits];
}

/** The products of every set in one batched getMany (each id once); vanished ones are absent. */
async function loadProducts(
  index: ProductIndex,
  sets: ReadonlyArray<readonly SearchHit[]>,
): Promise<Map<string, Product>> {
  const ids = [...new Set(sets.flatMap((hits) => hits.map((hit) => hit.productId)))];
  const loaded = await index.getMany(ids);
  const products = new Map<string, Product>();
  loaded.forEach((product) => {
    if (product !== null) products.set(product.id, product);
  });
  return products;
}
