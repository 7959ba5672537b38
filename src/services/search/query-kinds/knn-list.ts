import type { QueryContext } from './query-kind';
import type { RankedList, WeightKey } from '../ranked-list';

const NONE: ReadonlySet<string> = new Set();

/**
 * A pre-filtered kNN list for one query vector, scored by cosine similarity. Products in
 * `exclude` never appear: the index is asked for `exclude.size` more and those are dropped, so
 * the list still holds `k` items whenever `k` others exist (and is complete when it holds fewer).
 */
export async function knnList(
  context: QueryContext,
  weightKey: WeightKey,
  vector: Float32Array,
  k: number = context.k,
  exclude: ReadonlySet<string> = NONE,
): Promise<RankedList> {
  const { index, filter, minSimilarity } = context;
  const hits = await index.searchVector({ vector, filter, k: k + exclude.size, minSimilarity });
  const kept = exclude.size === 0 ? hits : hits.filter((hit) => !exclude.has(hit.productId));
  return {
    weightKey,
    scale: 'cosine',
    ...(k === context.k ? {} : { asked: k }),
    items: kept.slice(0, k).map((hit) => ({
      productId: hit.productId,
      imageId: hit.imageId,
      score: hit.similarity,
    })),
  };
}
