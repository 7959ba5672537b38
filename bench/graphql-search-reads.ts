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
/** A stand-in for the text tower's time (about 48 ms on a quiet machine, issue 13). */
const MODEL_MS = 20;
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
    // Paced like a model, so the keyword list is usually back before the vector (as in the app).
    embedTexts: (texts) =>
      new Promise((resolve) => setTimeout(resolve, MODEL_MS)).then(() => texts.map(vectorFor)),
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
  out(
    `\nAdapter level, fused text search (kNN + BM25, RRF), first 20, ${QUERIES} queries, ` +
      `before and now alternating per query; the embedding is a fixed vector after ${MODEL_MS} ms:\n`,
  );
  out(
    '| query words | page | read | list calls | kNN hits asked | BM25 hits asked | ES num_candidates | ES rescored | p50 ms | same page |',
  );
  out('|---|---|---|---|---|---|---|---|---|---|');
  for (const [words, texts, pageIndex] of [
    ['in titles', matching, 0],
    ['in titles', matching, 2],
    ['in no title', unmatched, 0],
  ] as const) {
    const before = new Tally();
    const now = new Tally();
    const offset = pageIndex * 20;
    for (const text of texts) {
      const old = countingIndex(inner);
      let t = performance.now();
      const reference = await referencePage(embedder, old.index, limits, text, offset);
      before.add(performance.now() - t, old.counts);
      const fresh = countingIndex(inner);
      const service = new SearchService(embedder, fresh.index, limits);
      let after: string | undefined;
      // Earlier pages are fetched untimed and uncounted, to get the cursor as a client would.
      for (let p = 0; p < pageIndex; p++) {
        const earlier = await service.search({ text, first: 20, ...(after ? { after } : {}) });
        after = earlier.endCursor ?? undefined;
      }
      const counted = countingIndex(inner);
      const timed = new SearchService(embedder, counted.index, limits);
      t = performance.now();
      const page = await timed.search({ text, first: 20, ...(after ? { after } : {}) });
      now.add(performance.now() - t, counted.counts);
      const ids = page.edges.map((e) => `${e.hit.productId}:${e.hit.score}:${e.hit.imageId}`);
      if (ids.join(',') === reference) now.same += 1;
    }
    before.same = QUERIES;
    out(before.row(`| ${words} | ${pageIndex + 1} | full depth (before)`));
    out(now.row(`| ${words} | ${pageIndex + 1} | fused read (now)`));
  }
}

/** Per-search means of what the lists asked for, and latency percentiles. */
class Tally {
  readonly times: number[] = [];
  calls = 0;
  vector = 0;
  keyword = 0;
  candidates = 0;
  rescored = 0;
  same = 0;

  add(ms: number, counts: ReturnType<typeof countingIndex>['counts']): void {
    this.times.push(ms);
    this.calls += counts.vectorCalls + counts.keywordCalls;
    this.vector += counts.vectorAsked;
    this.keyword += counts.keywordAsked;
    for (const k of counts.vectorKs) {
      this.candidates += esCost(k).numCandidates;
      this.rescored += esCost(k).rescored;
    }
  }

  row(prefix: string): string {
    const n = this.times.length;
    const sorted = [...this.times].sort((a, b) => a - b);
    const mean = (v: number) => (v / n).toFixed(0);
    return (
      `${prefix} | ${mean(this.calls)} | ${mean(this.vector)} | ${mean(this.keyword)} | ` +
      `${mean(this.candidates)} | ${mean(this.rescored)} | ${sorted[Math.floor(n / 2)]?.toFixed(1)} | ${this.same}/${n} |`
    );
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
  const fused = fuse(lists, {
    mode: 'RRF',
    weights: { image: 1, text: 1, keyword: 1, examples: 1 },
    rrfK: 60,
  });
  return fused
    .slice(0, limits.depth)
    .slice(offset, offset + 20)
    .map((h) => `${h.productId}:${h.score}:${h.imageId}`)
    .join(',');
}
