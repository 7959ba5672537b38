import { fuse } from '../../../../../src/services/search/fusion';
import type {
  QueryBuilder,
  QueryBuilders,
} from '../../../../../src/services/search/query-kinds/query-kind';
import type { QueryPart } from '../../../../../src/services/search/query-kinds/query-kinds.registry';
import {
  buildRankedLists,
  QUERY_BUILDERS,
} from '../../../../../src/services/search/query-kinds/query-kinds.registry';
import { RecordingEmbedder } from '../../../../fakes/recording-embedder';
import { ScriptedIndex } from '../../../../fakes/scripted-product-index';

const png = new Uint8Array([1]);
const vectorHits = [
  { productId: 'a', imageId: 'a#0', similarity: 0.9 },
  { productId: 'b', imageId: 'b#0', similarity: 0.8 },
];
const window = { pageEnd: 6, depth: 50, minScore: 0.5 };

function ports(index = new ScriptedIndex(vectorHits, [{ productId: 'b', score: 3 }])) {
  return { embedder: new RecordingEmbedder(), index, filter: {} };
}

/** A kind the service does not know: products pinned to the top, as a merchandising boost would. */
interface PinnedQuery {
  readonly kind: 'pinned';
  readonly productIds: readonly string[];
}

class PinnedBuilder implements QueryBuilder<PinnedQuery> {
  readonly listCount = 1;
  readonly seenK: number[] = [];

  build(part: PinnedQuery, context: { k: number }) {
    this.seenK.push(context.k);
    const items = part.productIds.map((productId) => ({ productId, imageId: null, score: 1 }));
    return Promise.resolve([{ weightKey: 'keyword' as const, scale: 'bm25' as const, items }]);
  }
}

describe('buildRankedLists', () => {
  it('returns every part’s lists in part order: image, then text kNN, then keywords', async () => {
    const parts: QueryPart[] = [
      { kind: 'image', image: png },
      { kind: 'text', text: 'red' },
    ];
    const lists = await buildRankedLists(parts, QUERY_BUILDERS, ports(), window);
    expect(lists.map((l) => [l.weightKey, l.scale])).toEqual([
      ['image', 'cosine'],
      ['text', 'cosine'],
      ['keyword', 'bm25'],
    ]);
  });

  it('reads a lone list only as deep as the page and pushes minScore into it', async () => {
    const { index, ...rest } = ports();
    await buildRankedLists(
      [{ kind: 'image', image: png }],
      QUERY_BUILDERS,
      { index, ...rest },
      window,
    );
    expect(index.vectorQueries.map((q) => [q.k, q.minSimilarity])).toEqual([[6, 0.5]]);
  });

  it('never reads a lone list deeper than the depth', async () => {
    const { index, ...rest } = ports();
    const deepPage = { ...window, pageEnd: 500 };
    await buildRankedLists(
      [{ kind: 'image', image: png }],
      QUERY_BUILDERS,
      { index, ...rest },
      deepPage,
    );
    expect(index.vectorQueries[0]!.k).toBe(50);
  });

  it('reads fused lists to the full depth with no similarity floor', async () => {
    const { index, ...rest } = ports();
    await buildRankedLists(
      [{ kind: 'text', text: 'red' }],
      QUERY_BUILDERS,
      { index, ...rest },
      window,
    );
    expect(index.vectorQueries.map((q) => [q.k, q.minSimilarity])).toEqual([[50, undefined]]);
    expect(index.keywordQueries.map((q) => q.k)).toEqual([50]);
  });
});

describe('a new query kind', () => {
  type Extended = QueryPart | PinnedQuery;

  it('is added by registering its builder, and fuses with the built-in kinds', async () => {
    const pinned = new PinnedBuilder();
    const builders: QueryBuilders<Extended> = { ...QUERY_BUILDERS, pinned };
    const parts: Extended[] = [
      { kind: 'image', image: png },
      { kind: 'pinned', productIds: ['z'] },
    ];
    const lists = await buildRankedLists(parts, builders, ports(), window);
    expect(pinned.seenK).toEqual([50]);
    const hits = fuse(lists, {
      mode: 'RRF',
      weights: { image: 1, text: 1, keyword: 5, examples: 1 },
      rrfK: 60,
    });
    expect(hits.map((h) => h.productId)).toEqual(['z', 'a', 'b']);
  });

  it('counts towards the lone-list rule like any other kind', async () => {
    const pinned = new PinnedBuilder();
    const builders: QueryBuilders<Extended> = { ...QUERY_BUILDERS, pinned };
    const parts: Extended[] = [{ kind: 'pinned', productIds: ['z', 'y'] }];
    const lists = await buildRankedLists(parts, builders, ports(), window);
    expect(pinned.seenK).toEqual([6]);
    expect(
      fuse(lists, {
        mode: 'RRF',
        weights: { image: 1, text: 1, keyword: 1, examples: 1 },
        rrfK: 60,
      }),
    ).toEqual([
      { productId: 'z', imageId: null, score: 1 },
      { productId: 'y', imageId: null, score: 1 },
    ]);
  });
});
