import { knnList } from './knn-list';
import type { QueryBuilder } from './query-kind';

/** Search by an uploaded photo. */
export interface ImageQuery {
  readonly kind: 'image';
  /** The photo's encoded bytes, as uploaded. */
  readonly image: Uint8Array;
}

/** One kNN list with the photo's CLIP vector. */
export const imageQuery: QueryBuilder<ImageQuery> = {
  listCount: 1,
  async build(part, context) {
    const [embedding] = await context.embedder.embedImages([part.image]);
    return embedding === undefined ? [] : [await knnList(context, 'image', embedding.vector)];
  },
};
