import type { SearchHit } from '../../domain/search';
import type { Embedder } from '../../ports/embedder.port';
import type { ProductIndex } from '../../ports/product-index.port';
import { encodeCursor, keysetStart } from './cursor';
import { fuse } from './fusion';
import { buildRankedLists, QUERY_BUILDERS } from './query-kinds/query-kinds.registry';
import type { SearchLimits } from './search-limits';
import { checkSearchLimits } from './search-limits';
import type { SearchPlan, SearchRequest } from './search-request';
import { searchRequestParser } from './search-request';

export type { SearchLimits } from './search-limits';
export type { SearchRequest } from './search-request';

interface SearchEdge {
  readonly hit: SearchHit;
  readonly cursor: string;
}

export interface SearchPage {
  readonly edges: readonly SearchEdge[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly endCursor: string | null;
}

/**
 * Image, text or both -> one ranked, paginated list of products.
 * The policy lives here, so both backends rank identically: the index only answers
 * pre-filtered kNN and BM25 lists; each query kind turns its part of the request into ranked
 * lists (query-kinds/), and fusion, minScore and pagination happen in this service.
 */
export class SearchService {
  private readonly parse: (request: SearchRequest) => SearchPlan;
  private readonly depth: number;

  constructor(
    private readonly embedder: Embedder,
    private readonly index: ProductIndex,
    limits: SearchLimits,
  ) {
    const checked = checkSearchLimits(limits);
    this.parse = searchRequestParser(checked);
    this.depth = checked.depth;
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    const plan = this.parse(request);
    const lists = await buildRankedLists(
      plan.parts,
      QUERY_BUILDERS,
      { embedder: this.embedder, index: this.index, filter: plan.filter },
      // A keyset page reads `first` further, so up to `first` products added ahead of the
      // cursor since the last page do not cut this page short.
      {
        pageEnd: plan.offset + plan.first + 1 + (plan.after?.key === undefined ? 0 : plan.first),
        depth: plan.depth,
        minScore: plan.minScore,
      },
    );
    const fused = fuse(lists, plan.fusion);
    const { minScore } = plan;
    const kept = minScore === undefined ? fused : fused.filter((hit) => hit.score >= minScore);
    const reachable = kept.slice(0, plan.depth);
    // One list keeps native scores (stable per product), so it resumes after the cursor's
    // (score, id); fused scores and ranks move with the catalog, so fusion resumes at the offset.
    const keyed = lists.length === 1;
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
}
