import type { RankedList } from '../ranked-list';
import { knnList } from './knn-list';
import type { QueryBuilder, QueryContext } from './query-kind';

/** Search by words. */
export interface TextQuery {
  readonly kind: 'text';
  /** Trimmed, non-empty. */
  readonly text: string;
}

/**
 * Two lists: kNN with the text's CLIP vector (what it looks like), then BM25 over title and
 * description (what it says). Keyword hits carry no image.
 */
export const textQuery: QueryBuilder<TextQuery> = {
  listCount: 2,
  async build(part, context) {
    // BM25 needs no embedding: it runs while the text is embedded, and the kNN starts as soon
    // as the vector is there, so neither list waits for the other.
    const knn = context.embedder
      .embedTexts([part.text])
      .then(([vector]) => (vector === undefined ? undefined : knnList(context, 'text', vector)));
    const [vectorList, keywords] = await Promise.all([knn, keywordList(part.text, context)]);
    return vectorList === undefined ? [keywords] : [vectorList, keywords];
  },
};

async function keywordList(text: string, context: QueryContext): Promise<RankedList> {
  const { index, filter, k } = context;
  const hits = await index.searchKeyword({ text, filter, k });
  return {
    weightKey: 'keyword',
    scale: 'bm25',
    items: hits.map((hit) => ({ productId: hit.productId, imageId: null, score: hit.score })),
  };
}
