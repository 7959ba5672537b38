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
    const [vector] = await context.embedder.embedTexts([part.text]);
    const lists: Array<Promise<RankedList>> = [];
    if (vector !== undefined) lists.push(knnList(context, 'text', vector));
    lists.push(keywordList(part.text, context));
    return Promise.all(lists);
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
