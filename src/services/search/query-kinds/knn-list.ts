import type { QueryContext } from './query-kind';
import type { RankedList, WeightKey } from '../ranked-list';

/** A pre-filtered kNN list for one query vector, scored by cosine similarity. */
export async function knnList(
  context: QueryContext,
  weightKey: WeightKey,
  vector: Float32Array,
  k: number = context.k,
): Promise<RankedList> {
  const { index, filter, minSimilarity } = context;
  const hits = await index.searchVector({ vector, filter, k, minSimilarity });
  return {
    weightKey,
    scale: 'cosine',
    ...(k === context.k ? {} : { asked: k }),
    items: hits.map((hit) => ({
      productId: hit.productId,
      imageId: hit.imageId,
      score: hit.similarity,
    })),
  };
}
