import type { FusionOptions, FusionWeights, ProductFilter, SearchHit } from '../../domain/search';
import { BadUserInputError } from '../../errors/app-error';
import type { Embedder } from '../../ports/embedder.port';
import type { ProductIndex } from '../../ports/product-index.port';
import { decodeCursor, encodeCursor } from './cursor';
import type { RankedList } from './fusion';
import { fuse } from './fusion';
import { validateFilter } from './search-validation';

export interface SearchRequest {
  readonly image?: Uint8Array;
  readonly text?: string;
  readonly filter?: ProductFilter;
  readonly first?: number;
  readonly after?: string;
  readonly minScore?: number;
  readonly fusion?: {
    readonly mode?: FusionOptions['mode'];
    readonly weights?: Partial<FusionWeights>;
    readonly rrfK?: number;
  };
}

export interface SearchEdge {
  readonly hit: SearchHit;
  readonly cursor: string;
}

export interface SearchPage {
  readonly edges: readonly SearchEdge[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly endCursor: string | null;
}

export interface SearchLimits {
  readonly defaultFirst: number;
  readonly maxFirst: number;
  /** How deep each list is read when several lists are fused; the deepest reachable result. */
  readonly depth: number;
  readonly maxTextLength: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = Object.freeze({
  defaultFirst: 10,
  maxFirst: 100,
  depth: 200,
  maxTextLength: 1000,
});

const DEFAULT_FUSION: FusionOptions = Object.freeze({
  mode: 'RRF',
  weights: Object.freeze({ image: 1, text: 1, keyword: 1 }),
  rrfK: 60,
});

interface PlannedQuery {
  readonly image: Uint8Array | undefined;
  readonly text: string | undefined;
  readonly filter: ProductFilter;
  readonly first: number;
  readonly offset: number;
  readonly depth: number;
  readonly minScore: number | undefined;
  readonly fusion: FusionOptions;
}

/**
 * Image, text or both -> one ranked, paginated list of products.
 * The policy lives here, so both backends rank identically: the index only answers
 * pre-filtered kNN and BM25 lists; fusion, minScore and pagination happen in this service.
 */
export class SearchService {
  constructor(
    private readonly embedder: Embedder,
    private readonly index: ProductIndex,
    private readonly limits: SearchLimits = DEFAULT_SEARCH_LIMITS,
  ) {}

  async search(request: SearchRequest): Promise<SearchPage> {
    const plan = this.plan(request);
    const lists = await this.rankedLists(plan);
    const fused = fuse(lists, plan.fusion);
    const kept =
      plan.minScore === undefined ? fused : fused.filter((hit) => hit.score >= plan.minScore!);
    const reachable = kept.slice(0, plan.depth);
    const page = reachable.slice(plan.offset, plan.offset + plan.first);
    const edges = page.map((hit, i) => ({
      hit,
      cursor: encodeCursor({ offset: plan.offset + i + 1, depth: plan.depth }),
    }));
    return {
      edges,
      hasNextPage: reachable.length > plan.offset + plan.first,
      hasPreviousPage: plan.offset > 0,
      endCursor: edges.at(-1)?.cursor ?? null,
    };
  }

  private plan(request: SearchRequest): PlannedQuery {
    const text = request.text?.trim() === '' ? undefined : request.text?.trim();
    const image = request.image;
    if (text === undefined && image === undefined) {
      throw new BadUserInputError('Give an image, a text, or both', { reason: 'EMPTY_QUERY' });
    }
    if (text !== undefined && text.length > this.limits.maxTextLength) {
      throw new BadUserInputError(`text is longer than ${this.limits.maxTextLength} characters`, {
        argument: 'text',
        max: this.limits.maxTextLength,
      });
    }
    const first = request.first ?? this.limits.defaultFirst;
    if (!Number.isInteger(first) || first < 1 || first > this.limits.maxFirst) {
      throw new BadUserInputError(`first must be an integer from 1 to ${this.limits.maxFirst}`, {
        argument: 'first',
        value: first,
      });
    }
    if (request.minScore !== undefined && !Number.isFinite(request.minScore)) {
      throw new BadUserInputError('minScore must be a finite number', { argument: 'minScore' });
    }
    const cursor =
      request.after === undefined
        ? { offset: 0, depth: this.limits.depth }
        : decodeCursor(request.after);
    return {
      image,
      text,
      filter: validateFilter(request.filter ?? {}),
      first,
      offset: cursor.offset,
      depth: Math.min(cursor.depth, this.limits.depth),
      minScore: request.minScore,
      fusion: resolveFusion(request.fusion),
    };
  }

  private async rankedLists(plan: PlannedQuery): Promise<RankedList[]> {
    const { filter } = plan;
    const single = plan.text === undefined;
    // A single kNN list ranks exactly by similarity, so it only needs to be read as deep as
    // the page; fused lists are always read to the same depth so pages stay stable.
    const k = single ? Math.min(plan.offset + plan.first + 1, plan.depth) : plan.depth;
    const minSimilarity = single ? plan.minScore : undefined;
    const [imageVector, textVector] = await Promise.all([
      plan.image === undefined ? undefined : this.embedder.embedImages([plan.image]),
      plan.text === undefined ? undefined : this.embedder.embedTexts([plan.text]),
    ]);
    const lists: Array<Promise<RankedList>> = [];
    const vectorList = async (source: 'image' | 'text', vector: Float32Array) => ({
      source,
      items: (await this.index.searchVector({ vector, filter, k, minSimilarity })).map((h) => ({
        productId: h.productId,
        imageId: h.imageId,
        score: h.similarity,
      })),
    });
    const image = imageVector?.[0]?.vector;
    const textV = textVector?.[0];
    if (image !== undefined) lists.push(vectorList('image', image));
    if (textV !== undefined) lists.push(vectorList('text', textV));
    if (plan.text !== undefined) {
      const text = plan.text;
      lists.push(
        this.index.searchKeyword({ text, filter, k }).then((hits) => ({
          source: 'keyword' as const,
          items: hits.map((h) => ({ productId: h.productId, imageId: null, score: h.score })),
        })),
      );
    }
    return Promise.all(lists);
  }
}

function resolveFusion(input: SearchRequest['fusion']): FusionOptions {
  const weights = { ...DEFAULT_FUSION.weights, ...definedOnly(input?.weights ?? {}) };
  for (const [name, weight] of Object.entries(weights)) {
    if (!Number.isFinite(weight) || weight < 0 || weight > 1000) {
      throw new BadUserInputError(`fusion weight ${name} must be from 0 to 1000`, {
        argument: `fusion.weights.${name}`,
        value: weight,
      });
    }
  }
  const rrfK = input?.rrfK ?? DEFAULT_FUSION.rrfK;
  if (!Number.isFinite(rrfK) || rrfK < 0 || rrfK > 10_000) {
    throw new BadUserInputError('fusion.rrfK must be from 0 to 10000', { argument: 'fusion.rrfK' });
  }
  return { mode: input?.mode ?? DEFAULT_FUSION.mode, weights, rrfK };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
