import type { ProductFilter } from '../../../domain/search';
import type { Embedder } from '../../../ports/embedder.port';
import type { ProductIndex } from '../../../ports/product-index.port';
import type { RankedList } from '../ranked-list';

/** One part of a search, tagged by kind; each kind carries what its builder needs. */
export interface QueryPartBase {
  readonly kind: string;
}

/** What every builder may use; the same filter and depth apply to every list of a search. */
export interface QueryContext {
  readonly embedder: Embedder;
  readonly index: ProductIndex;
  readonly filter: ProductFilter;
  /** How many hits to read per list. */
  readonly k: number;
  /**
   * Set when a fused round reads only a prefix `k` deep: the whole depth. A builder may read a
   * list this deep at once when that costs nothing on the critical path (BM25 runs while the
   * text is embedded) or when a prefix could not settle the page anyway.
   */
  readonly fullK?: number;
  /**
   * A cosine floor to push into a kNN query, set only when that list alone decides the ranking
   * (its native score is then the final score). The service applies `minScore` afterwards anyway.
   */
  readonly minSimilarity: number | undefined;
  /**
   * Products no list may return (the stored products a search gives as examples). A list reads
   * this many more items and drops them, so it still holds `k` whenever `k` others exist.
   */
  readonly exclude?: ReadonlySet<string>;
}

/**
 * Turns one query part into ranked lists. Lists come back in a fixed order; each declares its
 * score scale and weight key, so fusion needs nothing else from the builder.
 */
export interface QueryBuilder<P extends QueryPartBase> {
  /**
   * How many lists `build` returns. When a whole search yields one list, that list is read only
   * as deep as the page, since it ranks exactly by its own score.
   */
  readonly listCount: number;
  build(part: P, context: QueryContext): Promise<RankedList[]>;
}

/** Exactly one builder per kind of the union P: a missing kind fails to compile. */
export type QueryBuilders<P extends QueryPartBase> = {
  readonly [K in P['kind']]: QueryBuilder<Extract<P, { readonly kind: K }>>;
};
