import type { QueryContext } from './query-kind';
import type { RankedList, WeightKey } from '../ranked-list';

/**
 * A pre-filtered kNN list for one query vector, scored by cosine similarity, without the
 * context's excluded products (see `withoutExcluded`).
 */
export async function knnList(
  context: QueryContext,
  weightKey: WeightKey,
  vector: Float32Array,
  k: number = context.k,
): Promise<RankedList> {
  const { index, filter, minSimilarity } = context;
  const extra = context.exclude?.size ?? 0;
  const hits = await index.searchVector({ vector, filter, k: k + extra, minSimilarity });
  return {
    weightKey,
    scale: 'cosine',
    ...(k === context.k ? {} : { asked: k }),
    items: withoutExcluded(context, hits, k).map((hit) => ({
      productId: hit.productId,
      imageId: hit.imageId,
      score: hit.similarity,
    })),
  };
}

/**
 * The first `k` hits that are not excluded. The caller asked the index for k + exclude.size, so
 * this still holds `k` whenever `k` others exist, and fewer only when the list really ends there
 * (fused-read.ts reads "fewer than asked" as complete).
 */
export function withoutExcluded<T extends { readonly productId: string }>(
  context: Pick<QueryContext, 'exclude'>,
  hits: readonly T[],
  k: number,
): T[] {
  const exclude = context.exclude;
  const kept =
    exclude === undefined || exclude.size === 0
      ? hits
      : hits.filter((hit) => !exclude.has(hit.productId));
  return kept.slice(0, k);
}
