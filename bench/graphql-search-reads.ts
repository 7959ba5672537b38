/**
 * Adapter-level figures for bench/graphql-search.bench.ts: how many hits a fused text search
 * asks each list for, and what that costs, now (fused-read.ts: a prefix, deeper only until the
 * page is proven) against the old full-depth read, same index, same queries, same run; and
 * that both give the same page.
 */
import type { ProductIndex } from '../src/ports/product-index.port';
import type { Embedder } from '../src/ports/embedder.port';
import { fuse } from '../src/services/search/fusion';
import {
  buildRankedLists,
  QUERY_BUILDERS,
} from '../src/services/search/query-kinds/query-kinds.registry';
import type { SearchLimits } from '../src/services/search/search.service';
import { SearchService } from '../src/services/search/search.service';
import { seededRandom } from '../scripts/lib/seeded-random';
import { countingIndex } from './graphql-search-data';

const QUERIES = 60;
const WORDS = 'red blue leather cotton shoe boot bag hat lamp chair watch dress jacket mug'.split(
  ' ',
);
/** Words no catalog title or description holds: the keyword list is empty. */
const ABSENT = 'zebra quantum velvet umbrella harbor violin meadow comet'.split(' ');
/** Elasticsearch request sizes as elasticsearch-queries.ts derives them from k. */
const esCost = (k: number) => {
  const size = k + 5;
  return { size, numCandidates: Math.min(Math.max(size * 10, 1000), 10_000), rescored: size * 3 };
};

/** Text queries with fixed vectors (random unit vectors): no model needed at this level. */
function fixedEmbedder(dims: number): Embedder {
  const random = seededRandom(99);
  const vectors = new Map<string, Float32Array>();
  const vectorFor = (text: string) => {
    let v = vectors.get(text);
    if (v === undefined) {
      v = new Float32Array(dims).map(() => random() - 0.5);
      const norm = Math.hypot(...v);
      v = v.map((x) => x / norm);
      vectors.set(text, v);
    }
    return v;
  };
  return {
    modelId: 'fixed',
    dims,
    embedImages: () => Promise.reject(new Error('text only')),
    embedTexts: (texts) => Promise.resolve(texts.map(vectorFor)),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

export async function fusedReadFigures(
  inner: ProductIndex,
  dims: number,
  limits: SearchLimits,
  out: (line: string) => void,
): Promise<void> {
  const random = seededRandom(5);
  const word = (words: readonly string[]) => words[Math.floor(random() * words.length)] ?? '';
  const matching = Array.from({ length: QUERIES }, () => `${word(WORDS)} ${word(WORDS)}`);
  const unmatched = Array.from(
    { length: QUERIES },
    (_, i) => `${word(ABSENT)} ${word(ABSENT)} ${i}`,
  );
  const embedder = fixedEmbedder(dims);
  out('\nAdapter level, fused text search (kNN + BM25, RRF), first 20, ' + `${QUERIES} queries:\n`);
  out(
    '| page | read | list calls/search | kNN hits asked/search | BM25 hits asked/search | ES num_candidates/search | ES rescored/search | p50 ms | same page |',
  );
  out('|---|---|---|---|---|---|---|---|---|---|');
  for (const [words, texts, pageIndex] of [
    ['in titles', matching, 0],
    ['in titles', matching, 2],
    ['in no title', unmatched, 0],
  ] as const) {
    for (const mode of ['full depth (before)', 'fused read (now)'] as const) {
      const { index, counts } = countingIndex(inner);
      const service = new SearchService(embedder, index, limits);
      const times: number[] = [];
      let same = 0;
      let candidates = 0;
      let rescored = 0;
      for (const text of texts) {
        const offset = pageIndex * 20;
        const t = performance.now();
        let ids: string[];
        const vectorAskedBefore = counts.vectorAsked;
        const callsBefore = counts.vectorCalls;
        if (mode === 'fused read (now)') {
          let after: string | undefined;
          // Earlier pages are fetched untimed to get the cursor, as a client would.
          for (let p = 0; p < pageIndex; p++) {
            after =
              (await service.search({ text, first: 20, ...(after ? { after } : {}) })).endCursor ??
              undefined;
          }
          const start = performance.now();
          const page = await service.search({ text, first: 20, ...(after ? { after } : {}) });
          times.push(performance.now() - start);
          ids = page.edges.map((e) => `${e.hit.productId}:${e.hit.score}:${e.hit.imageId}`);
        } else {
          const lists = await buildRankedLists(
            [{ kind: 'text', text }],
            QUERY_BUILDERS,
            { embedder, index, filter: {} },
            { pageEnd: offset + 21, depth: limits.depth, minScore: undefined },
          );
          const fused = fuse(lists, {
            mode: 'RRF',
            weights: { image: 1, text: 1, keyword: 1 },
            rrfK: 60,
          });
          times.push(performance.now() - t);
          ids = fused
            .slice(0, limits.depth)
            .slice(offset, offset + 20)
            .map((h) => `${h.productId}:${h.score}:${h.imageId}`);
        }
        // Only the timed page's kNN reads count for the Elasticsearch estimate.
        const newCalls = counts.vectorCalls - callsBefore;
        const lastK = newCalls > 0 ? (counts.vectorAsked - vectorAskedBefore) / newCalls : 0;
        candidates += esCost(lastK).numCandidates * newCalls;
        rescored += esCost(lastK).rescored * newCalls;
        const reference = await referencePage(embedder, inner, limits, text, offset);
        if (reference === ids.join(',')) same++;
      }
      times.sort((a, b) => a - b);
      const perSearch = (n: number) =>
        (n / QUERIES / (mode === 'fused read (now)' ? pageIndex + 1 : 1)).toFixed(0);
      out(
        `| ${words} | ${pageIndex + 1} | ${mode} | ${perSearch(counts.vectorCalls + counts.keywordCalls)} | ${perSearch(counts.vectorAsked)} | ${perSearch(counts.keywordAsked)} | ` +
          `${(candidates / QUERIES).toFixed(0)} | ${(rescored / QUERIES).toFixed(0)} | ${times[Math.floor(times.length / 2)]?.toFixed(1)} | ${same}/${QUERIES} |`,
      );
    }
  }
}

/** The page as the old code ranked it: both lists read `depth` deep and fused. */
async function referencePage(
  embedder: Embedder,
  index: ProductIndex,
  limits: SearchLimits,
  text: string,
  offset: number,
): Promise<string> {
  const lists = await buildRankedLists(
    [{ kind: 'text', text }],
    QUERY_BUILDERS,
    { embedder, index, filter: {} },
    { pageEnd: offset + 21, depth: limits.depth, minScore: undefined },
  );
  const fused = fuse(lists, { mode: 'RRF', weights: { image: 1, text: 1, keyword: 1 }, rrfK: 60 });
  return fused
    .slice(0, limits.depth)
    .slice(offset, offset + 20)
    .map((h) => `${h.productId}:${h.score}:${h.imageId}`)
    .join(',');
}
