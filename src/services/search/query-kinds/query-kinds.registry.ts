import type { RankedList } from '../ranked-list';
import type { ExamplesQuery } from './examples.query';
import { examplesQuery } from './examples.query';
import type { ImageQuery } from './image.query';
import { imageQuery } from './image.query';
import type { QueryBuilder, QueryBuilders, QueryContext, QueryPartBase } from './query-kind';
import type { TextQuery } from './text.query';
import { textQuery } from './text.query';

/**
 * Every kind of query part a search can hold. A new kind (more-like-this, recommend, a boost)
 * adds a builder file, a member here and a line in QUERY_BUILDERS; fusion and the service stay.
 */
export type QueryPart = ImageQuery | TextQuery | ExamplesQuery;

export const QUERY_BUILDERS: QueryBuilders<QueryPart> = Object.freeze({
  image: imageQuery,
  text: textQuery,
  examples: examplesQuery,
});

/** Where the page ends and how deep lists may be read; the search service's pagination. */
export interface ReadWindow {
  /** Offset of the item after the page: one more than the page needs, to know hasNextPage. */
  readonly pageEnd: number;
  readonly depth: number;
  readonly minScore: number | undefined;
  /**
   * How deep fused lists are read this round (the service reads a prefix first and deeper only
   * when it cannot prove the page yet, see fused-read.ts); `depth` when absent.
   */
  readonly readDepth?: number;
}

/**
 * Runs every part's builder at once and returns their lists in part order (fusion takes the
 * shown image from the first list that has one, so order is part of the ranking).
 */
export function buildRankedLists<P extends QueryPartBase>(
  parts: readonly P[],
  builders: QueryBuilders<P>,
  context: Omit<QueryContext, 'k' | 'minSimilarity'>,
  window: ReadWindow,
): Promise<RankedList[]> {
  // A single list ranks exactly by its own score, so it only needs to be read as deep as the
  // page; fused lists are read as deep as the round asks, never deeper than the depth.
  const single = countLists(parts, builders) === 1;
  const full: QueryContext = {
    ...context,
    k: single
      ? Math.min(window.pageEnd, window.depth)
      : Math.min(window.readDepth ?? window.depth, window.depth),
    minSimilarity: single ? window.minScore : undefined,
    ...(single || window.readDepth === undefined ? {} : { fullK: window.depth }),
  };
  return Promise.all(parts.map((part) => builderFor(builders, part).build(part, full))).then(
    (lists) => lists.flat(),
  );
}

/** How many ranked lists these parts yield. */
export function countLists<P extends QueryPartBase>(
  parts: readonly P[],
  builders: QueryBuilders<P>,
): number {
  return parts.reduce((n, part) => n + builderFor(builders, part).listCount, 0);
}

function builderFor<P extends QueryPartBase>(builders: QueryBuilders<P>, part: P): QueryBuilder<P> {
  // The mapped type pairs each kind with its own builder; TypeScript cannot follow that pairing
  // through an index by a union-typed key, so it is restated here once.
  return builders[part.kind as P['kind']] as unknown as QueryBuilder<P>;
}
