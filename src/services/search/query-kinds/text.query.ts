import type { RankedList } from '../ranked-list';
import { knnList, withoutExcluded } from './knn-list';
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
    // BM25 needs no embedding: it runs while the text is embedded (so it reads the whole depth
    // at no cost on the critical path), and the kNN starts as soon as the vector is there, so
    // neither list waits for the other.
    const keywordsRead = keywordList(part.text, context, context.fullK ?? context.k);
    let keywordsDone: RankedList | undefined;
    keywordsRead.then(
      (list) => (keywordsDone = list),
      () => undefined,
    );
    const knn = context.embedder.embedTexts([part.text]).then(([vector]) => {
      if (vector === undefined) return undefined;
      // A kNN prefix can settle the page only when the keyword list holds nothing to look up
      // in it (fused-read.ts); otherwise the second read would follow, so read it all at once.
      const prefixWorks = keywordsDone !== undefined && keywordsDone.items.length === 0;
      return knnList(
        context,
        'text',
        vector,
        prefixWorks ? context.k : (context.fullK ?? context.k),
      );
    });
    const [vectorList, keywords] = await Promise.all([knn, keywordsRead]);
    return vectorList === undefined ? [keywords] : [vectorList, keywords];
  },
};

async function keywordList(text: string, context: QueryContext, k: number): Promise<RankedList> {
  const { index, filter } = context;
  const hits = await index.searchKeyword({ text, filter, k: k + (context.exclude?.size ?? 0) });
  return {
    weightKey: 'keyword',
    scale: 'bm25',
    ...(k === context.k ? {} : { asked: k }),
    items: withoutExcluded(context, hits, k).map((hit) => ({
      productId: hit.productId,
      imageId: null,
      score: hit.score,
    })),
  };
}
