import type { ProductFilter, SearchHit } from '../../domain/search';
import type { Embedder } from '../../ports/embedder.port';
import type { PhotoFetcher } from '../../ports/photo-fetcher.port';
import type { ProductIndex } from '../../ports/product-index.port';
import { encodeCursor, keysetStart } from './cursor';
import { readDepths, settleFused } from './fused-read';
import { fuse } from './fusion';
import { onceEmbedder } from './once-embedder';
import { queryParts } from './query-inputs';
import type { PopularitySource } from './result-stages/popularity.stage';
import { blendsPopularity, NO_POPULARITY, popularityStage } from './result-stages/popularity.stage';
import { buildRankedLists, countLists, QUERY_BUILDERS } from './query-kinds/query-kinds.registry';
import type { SearchFacets } from './result-stages/facets.stage';
import { needsRelevantSet, orderOf } from './result-stages/shaping-plan';
import { shapeResults } from './result-stages/shape-results';
import type { SearchLimits } from './search-limits';
import { checkSearchLimits } from './search-limits';
import type { ParsedSearch, SearchPlan, SearchRequest } from './search-request';
import { searchRequestParser } from './search-request';

export type { SearchLimits } from './search-limits';
export type { ExampleRequest, SearchRequest } from './search-request';

interface SearchEdge {
  readonly hit: SearchHit;
  readonly cursor: string;
  /** Product ids folded into this hit by near-duplicate collapse, best first (when asked). */
  readonly duplicates?: readonly string[];
}

export interface SearchPage {
  readonly edges: readonly SearchEdge[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly endCursor: string | null;
  /** Size of the relevant set; computed only when the request's `include` asks for it. */
  readonly totalCount?: number;
  /** Computed only when the request's `include` asks for them. */
  readonly facets?: SearchFacets;
}

/**
 * Image, text or both -> one ranked, paginated list of products.
 * The policy lives here, so both backends rank identically: the index only answers
 * pre-filtered kNN and BM25 lists; each query kind turns its part of the request into ranked
 * lists (query-kinds/), and fusion, minScore and pagination happen in this service.
 */
export class SearchService {
  private readonly parse: (request: SearchRequest) => ParsedSearch;
  private readonly depth: number;

  /** `photoFetcher` fetches photos given by URL (imageUrl, examples); without one they fail. */
  constructor(
    private readonly embedder: Embedder,
    private readonly index: ProductIndex,
    limits: SearchLimits,
    private readonly photoFetcher?: PhotoFetcher,
    private readonly popularity: PopularitySource = NO_POPULARITY,
  ) {
    const checked = checkSearchLimits(limits);
    this.parse = searchRequestParser(checked);
    this.depth = checked.depth;
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    const { inputs, ...parsed } = this.parse(request);
    const plan: SearchPlan = { ...parsed, parts: await queryParts(inputs, this.photoFetcher) };
    if (needsRelevantSet(plan.shaping)) return this.shapedSearch(plan);
    // A popularity blend may lift any hit within the depth: then every list is read whole.
    const blends = blendsPopularity(plan);
    const reachable = await this.relevant(plan, onceEmbedder(this.embedder), plan.filter, blends);
    // One list keeps native scores (stable per product), so it resumes after the cursor's
    // (score, id); fused scores and ranks move with the catalog, so fusion resumes at the offset,
    // and so do blended scores (they move with every event and as popularity decays).
    const keyed = countLists(plan.parts, QUERY_BUILDERS) === 1 && !blends;
    const start = keyed ? keysetStart(reachable, plan.after) : plan.offset;
    const page = reachable.slice(start, start + plan.first);
    const edges = page.map((hit, i) => ({
      hit,
      cursor: encodeCursor({
        offset: start + i + 1,
        depth: plan.depth,
        ...(keyed ? { key: { score: hit.score, productId: hit.productId } } : {}),
      }),
    }));
    return {
      edges,
      hasNextPage: reachable.length > start + plan.first,
      hasPreviousPage: start > 0,
      endCursor: edges.at(-1)?.cursor ?? null,
    };
  }

  /**
   * A page of the relevant set shaped by result-stages/ (collapse, sort, diversity, totals,
   * facets): every list is read the whole depth, since any hit within it may count or move up.
   */
  private async shapedSearch(plan: SearchPlan): Promise<SearchPage> {
    const embedder = onceEmbedder(this.embedder);
    const order = orderOf(plan.shaping);
    const shaped = await shapeResults({
      shaping: plan.shaping,
      filter: plan.filter,
      index: this.index,
      rank: (filter) => this.relevant(plan, embedder, filter, true),
      pageEnd: plan.offset + plan.first + 1,
    });
    const { hits, isAfter } = shaped;
    // Sorted orders resume by keyset on (value, score, id); relevance as a plain search does;
    // a diversified order depends on every pick before it, so it resumes at the offset.
    const keyed =
      isAfter !== undefined ||
      (order === undefined &&
        countLists(plan.parts, QUERY_BUILDERS) === 1 &&
        !blendsPopularity(plan));
    const start = !keyed ? plan.offset : keysetStart(hits, plan.after, isAfter);
    const page = hits.slice(start, start + plan.first);
    const collapsing = plan.shaping.duplicateThreshold !== undefined;
    const edges = page.map(({ duplicates, value, ...hit }, i) => ({
      hit,
      ...(collapsing ? { duplicates } : {}),
      cursor: encodeCursor({
        offset: start + i + 1,
        depth: plan.depth,
        ...(order === undefined ? {} : { order }),
        ...(keyed ? { key: { score: hit.score, productId: hit.productId, value } } : {}),
      }),
    }));
    return {
      edges,
      hasNextPage: hits.length > start + plan.first,
      hasPreviousPage: start > 0,
      endCursor: edges.at(-1)?.cursor ?? null,
      ...(plan.shaping.totalCount ? { totalCount: shaped.totalCount } : {}),
      ...(shaped.facets === undefined ? {} : { facets: shaped.facets }),
    };
  }

  /**
   * The ranking with minScore applied (to relevance), cut at the depth, then blended with
   * popularity (a no-op at popularityWeight 0); `whole` reads every list that deep.
   */
  private async relevant(
    plan: SearchPlan,
    embedder: Embedder,
    filter: ProductFilter,
    whole: boolean,
  ): Promise<SearchHit[]> {
    const fused = await this.rank(plan, embedder, filter, whole);
    const { minScore } = plan;
    const kept = minScore === undefined ? fused : fused.filter((hit) => hit.score >= minScore);
    return [...(await popularityStage(kept.slice(0, plan.depth), plan, this.popularity))];
  }

  /**
   * The head of the fused ranking the page needs, identical to fusing the lists read `depth`
   * deep: fused lists are read a prefix first and deeper only until fused-read.ts proves the
   * page (re-reading a longer prefix; each query is embedded once per search). `whole`: the
   * whole depth at once.
   */
  private async rank(
    plan: SearchPlan,
    embedder: Embedder,
    filter: ProductFilter,
    whole: boolean,
  ): Promise<SearchHit[]> {
    // A keyset page reads `first` further, so up to `first` products added ahead of the
    // cursor since the last page do not cut this page short.
    const pageEnd = whole
      ? plan.depth
      : plan.offset + plan.first + 1 + (plan.after?.key === undefined ? 0 : plan.first);
    const context = { embedder, index: this.index, filter, exclude: plan.exclude };
    const window = { pageEnd, depth: plan.depth, minScore: plan.minScore };
    const { parts } = plan;
    if (countLists(parts, QUERY_BUILDERS) === 1) {
      return fuse(await buildRankedLists(parts, QUERY_BUILDERS, context, window), plan.fusion);
    }
    const need = Math.min(pageEnd, plan.depth);
    // A prefix settles only when at most one list is still incomplete after it: the text kind
    // arranges that (BM25 whole, kNN prefix only when BM25 found nothing). Photo + text has two
    // kNN lists, which rarely agree at the top, so a prefix round would only add a round.
    const rounds =
      countLists(parts, QUERY_BUILDERS) === 2 ? readDepths(need, plan.depth) : [plan.depth];
    for (const readDepth of rounds) {
      const lists = await buildRankedLists(parts, QUERY_BUILDERS, context, {
        ...window,
        readDepth,
      });
      const fusedWindow = { readDepth, depth: plan.depth, need, minScore: plan.minScore };
      const settled = settleFused(lists, fusedWindow, plan.fusion);
      if (settled !== undefined) return settled;
    }
    // The last round reads the whole depth, where every list is complete and settles.
    throw new Error('unreachable: a full-depth read always settles');
  }
}
