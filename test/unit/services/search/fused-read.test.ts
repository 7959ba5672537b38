import type {
  FusionOptions,
  KeywordHit,
  SearchHit,
  VectorHit,
} from '../../../../src/domain/search';
import type { KeywordQuery, VectorQuery } from '../../../../src/ports/product-index.port';
import { readDepths, settleFused } from '../../../../src/services/search/fused-read';
import { fuse } from '../../../../src/services/search/fusion';
import type { RankedList } from '../../../../src/services/search/ranked-list';
import type { SearchRequest } from '../../../../src/services/search/search.service';
import { SearchService } from '../../../../src/services/search/search.service';
import { RecordingEmbedder } from '../../../fakes/recording-embedder';
import { ScriptedIndex } from '../../../fakes/scripted-product-index';

/** mulberry32: a seeded generator, so a failure names the case that reproduces it. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, values: readonly T[]): T =>
  values[Math.floor(rand() * values.length)] as T;

interface Item {
  productId: string;
  imageId: string | null;
  score: number;
}

/** Port order: score descending, ties by productId ascending. */
function portOrder(a: Item, b: Item): number {
  return b.score - a.score || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0);
}

/**
 * A random list over a catalog of n products: some share a base relevance with the other
 * lists (correlated), scores are coarse so that ties happen, and a list may hold few items.
 */
function randomItems(rand: Rand, n: number, base: number[], scale: 'cosine' | 'bm25'): Item[] {
  const share = rand();
  const coverage = pick(rand, [0.05, 0.3, 1, 1]);
  const steps = pick(rand, [4, 20, 1000]);
  const items: Item[] = [];
  for (let p = 0; p < n; p += 1) {
    if (rand() > coverage) continue;
    const raw = share * (base[p] ?? 0) + (1 - share) * rand();
    const coarse = Math.round(raw * steps) / steps;
    const score = scale === 'cosine' ? coarse * 2 - 1 : coarse * 12;
    const productId = `p${String(p).padStart(4, '0')}`;
    items.push({ productId, imageId: scale === 'cosine' ? `${productId}#${p % 3}` : null, score });
  }
  return items.sort(portOrder);
}

function randomOptions(rand: Rand): FusionOptions {
  const weight = () => pick(rand, [0, 0.5, 1, 1, 2, 3.7]);
  return {
    mode: pick(rand, ['RRF', 'LINEAR'] as const),
    weights: { image: weight(), text: weight(), keyword: weight(), examples: weight() },
    rrfK: pick(rand, [0, 1, 60, 60, 200]),
  };
}

/** Today's ranking: every list read `depth` deep, fused, cut by minScore, capped at depth. */
function reference(
  lists: readonly RankedList[],
  depth: number,
  options: FusionOptions,
  minScore: number | undefined,
): SearchHit[] {
  const full = fuse(
    lists.map((list) => ({ ...list, items: list.items.slice(0, depth) })),
    options,
  );
  return full.filter((hit) => minScore === undefined || hit.score >= minScore).slice(0, depth);
}

/** The service's loop, on lists held in memory; returns the hits and the depths read. */
function settleByRounds(
  lists: readonly RankedList[],
  depth: number,
  need: number,
  options: FusionOptions,
  minScore: number | undefined,
): { hits: SearchHit[]; depths: number[] } {
  const depths: number[] = [];
  for (const readDepth of readDepths(need, depth)) {
    depths.push(readDepth);
    const prefixes = lists.map((list) => ({ ...list, items: list.items.slice(0, readDepth) }));
    const settled = settleFused(prefixes, { readDepth, depth, need, minScore }, options);
    if (settled !== undefined) return { hits: settled, depths };
  }
  throw new Error('the last round reads the whole depth and must settle');
}

function randomLists(rand: Rand): RankedList[] {
  const n = pick(rand, [3, 30, 150, 400]);
  const base = Array.from({ length: n }, () => rand());
  const lists: RankedList[] = [];
  const shape = pick(rand, ['text', 'image+text', 'text', 'image+text'] as const);
  if (shape === 'image+text') {
    lists.push({
      weightKey: 'image',
      scale: 'cosine',
      items: randomItems(rand, n, base, 'cosine'),
    });
  }
  lists.push({ weightKey: 'text', scale: 'cosine', items: randomItems(rand, n, base, 'cosine') });
  lists.push({ weightKey: 'keyword', scale: 'bm25', items: randomItems(rand, n, base, 'bm25') });
  return lists;
}

describe('settleFused', () => {
  it('proves exactly the head of the full-depth fusion, on 3,000 random cases', () => {
    let rowsRead = 0;
    let rowsBefore = 0;
    for (let seed = 1; seed <= 3000; seed += 1) {
      const rand = random(seed);
      const lists = randomLists(rand);
      const options = randomOptions(rand);
      const depth = pick(rand, [10, 50, 200]);
      const expected = reference(lists, depth, options, undefined);
      const minScore =
        rand() < 0.3 ? expected[Math.floor(rand() * expected.length)]?.score : undefined;
      const kept = reference(lists, depth, options, minScore);
      const need = Math.min(depth, 1 + Math.floor(rand() * (depth + 5)));
      const { hits, depths } = settleByRounds(lists, depth, need, options, minScore);
      const page = hits.filter((hit) => minScore === undefined || hit.score >= minScore);
      expect({ seed, page: page.slice(0, need) }).toEqual({ seed, page: kept.slice(0, need) });
      rowsRead += depths.reduce((sum, d) => sum + d, 0) * lists.length;
      rowsBefore += depth * lists.length;
    }
    // Re-reading prefixes must not cost more overall than reading the full depth every time.
    expect(rowsRead).toBeLessThan(rowsBefore * 1.5);
  });

  it('reads no deeper than the first round when the lists agree at the top', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({
      productId: `p${String(i).padStart(3, '0')}`,
      imageId: null,
      score: 300 - i,
    }));
    const lists: RankedList[] = [
      {
        weightKey: 'text',
        scale: 'cosine',
        items: items.map((it) => ({ ...it, score: it.score / 300 })),
      },
      { weightKey: 'keyword', scale: 'bm25', items },
    ];
    for (const mode of ['RRF', 'LINEAR'] as const) {
      const options = { mode, weights: { image: 1, text: 1, keyword: 1, examples: 1 }, rrfK: 60 };
      const { hits, depths } = settleByRounds(lists, 200, 21, options, undefined);
      expect(depths).toEqual([42]);
      expect(hits.slice(0, 21)).toEqual(reference(lists, 200, options, undefined).slice(0, 21));
    }
  });

  it('reads to the full depth when an item on the page may still gain from below the prefix', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `p${String(i).padStart(3, '0')}`);
    const lists: RankedList[] = [
      {
        weightKey: 'text',
        scale: 'cosine',
        items: ids.map((productId, i) => ({ productId, imageId: null, score: 1 - i / 300 })),
      },
      {
        weightKey: 'keyword',
        scale: 'bm25',
        items: [...ids]
          .reverse()
          .map((productId, i) => ({ productId, imageId: null, score: 300 - i })),
      },
    ];
    const options = {
      mode: 'RRF' as const,
      weights: { image: 1, text: 1, keyword: 1, examples: 1 },
      rrfK: 60,
    };
    const { hits, depths } = settleByRounds(lists, 200, 11, options, undefined);
    expect(depths.at(-1)).toBe(200);
    expect(hits.slice(0, 11)).toEqual(reference(lists, 200, options, undefined).slice(0, 11));
  });
});

/** As with a real model: a text vector arrives after the keyword list (a macrotask later). */
class ModelPaced extends RecordingEmbedder {
  override embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    return new Promise((resolve) => setImmediate(resolve)).then(() => super.embedTexts(texts));
  }
}

/** Picks the list by the query vector's axis (RecordingEmbedder): photo [0] -> 0, text -> length. */
class ListsByAxis extends ScriptedIndex {
  constructor(
    private readonly byAxis: ReadonlyMap<number, VectorHit[]>,
    keywords: KeywordHit[],
  ) {
    super([], keywords);
  }

  override searchVector(query: VectorQuery): Promise<VectorHit[]> {
    this.vectorHits = this.byAxis.get(query.vector.indexOf(1)) ?? [];
    return super.searchVector(query);
  }

  override searchKeyword(query: KeywordQuery): Promise<KeywordHit[]> {
    return super.searchKeyword(query);
  }
}

describe('SearchService with fused reads', () => {
  it('pages through every page exactly as a full-depth fusion ranks them', async () => {
    for (let seed = 1; seed <= 150; seed += 1) {
      const rand = random(10_000 + seed);
      const lists = randomLists(rand);
      const fusion = randomOptions(rand);
      const depth = pick(rand, [10, 50, 200]);
      const all = reference(lists, depth, fusion, undefined);
      const minScore = rand() < 0.3 ? all[Math.floor(rand() * all.length)]?.score : undefined;
      const expected = reference(lists, depth, fusion, minScore);
      const vectors = new Map<number, VectorHit[]>();
      const toVector = (list: RankedList | undefined): VectorHit[] =>
        (list?.items ?? []).map((it) => ({
          productId: it.productId,
          imageId: it.imageId ?? '',
          similarity: it.score,
        }));
      const hasImage = lists[0]?.weightKey === 'image';
      if (hasImage) vectors.set(0, toVector(lists[0]));
      // 'ab' embeds along axis 2.
      vectors.set(2, toVector(lists.find((l) => l.weightKey === 'text')));
      const keywords = (lists.at(-1)?.items ?? []).map(({ productId, score }) => ({
        productId,
        score,
      }));
      const index = new ListsByAxis(vectors, keywords);
      // Paced, the text kNN reads a prefix when the keyword list is empty; unpaced, all of it.
      const embedder = seed % 2 === 0 ? new ModelPaced() : new RecordingEmbedder();
      const service = new SearchService(embedder, index, {
        defaultFirst: 10,
        maxFirst: 100,
        depth,
        maxTextLength: 100,
        maxExamples: 16,
      });
      const first = pick(rand, [1, 7, 20]);
      const request: SearchRequest = {
        text: 'ab',
        fusion,
        first,
        ...(hasImage ? { image: new Uint8Array([0]) } : {}),
        ...(minScore === undefined ? {} : { minScore }),
      };
      const seen: SearchHit[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await service.search({
          ...request,
          ...(after === undefined ? {} : { after }),
        });
        seen.push(...page.edges.map((edge) => edge.hit));
        if (!page.hasNextPage) break;
        after = page.endCursor ?? undefined;
      }
      expect({ seed, seen }).toEqual({ seed, seen: expected });
    }
  });
});
