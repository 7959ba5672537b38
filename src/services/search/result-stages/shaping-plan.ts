import { z } from 'zod';
import { priceBucketsProblem } from '../../../domain/price-buckets';
import type { CursorOrder, CursorPosition } from '../cursor';
import { anyNumber, rule } from '../request-rules';

export type SearchSort = 'RELEVANCE' | 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST';

const SORTS = ['RELEVANCE', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST'] as const satisfies SearchSort[];

/** Cosine at or above which two matched photos count as one item, when the request gives none. */
const DEFAULT_DUPLICATE_THRESHOLD = 0.95;

/** What the request asks of the relevant set beyond a page in relevance order. */
export interface ShapingPlan {
  readonly sort: SearchSort;
  /** 0 = pure relevance (the ranking untouched); up to 1. */
  readonly diversity: number;
  /** Set when near-duplicates are collapsed: the cosine threshold. */
  readonly duplicateThreshold: number | undefined;
  readonly priceBuckets: readonly number[];
  /** The caller reads totalCount / facets (the transport says which fields were selected). */
  readonly totalCount: boolean;
  readonly facets: boolean;
}

/** The shaping arguments of a search request, as the transport hands them over. */
export interface ShapingRequest {
  readonly sort?: SearchSort;
  readonly diversity?: number;
  readonly collapseDuplicates?: boolean;
  readonly duplicateThreshold?: number;
  readonly priceBuckets?: readonly number[];
  /** Which aggregates to compute; each costs a read of the whole search depth. */
  readonly include?: { readonly totalCount?: boolean; readonly facets?: boolean };
}

const unitInterval = (name: string) =>
  anyNumber
    .superRefine(
      rule(
        (value) => Number.isFinite(value) && value >= 0 && value <= 1,
        `${name} must be from 0 to 1`,
        (value) => ({ value }),
      ),
    )
    .optional();

/** Zod fields for the shaping arguments, merged into the search request's arguments schema. */
export const shapingArguments = {
  sort: z
    .enum(SORTS, { error: 'sort must be RELEVANCE, PRICE_ASC, PRICE_DESC or NEWEST' })
    .optional(),
  diversity: unitInterval('diversity'),
  collapseDuplicates: z.boolean().optional(),
  duplicateThreshold: unitInterval('duplicateThreshold'),
  priceBuckets: z
    .array(anyNumber)
    .superRefine((edges, ctx) => {
      const problem = priceBucketsProblem(edges);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  include: z
    .object({ totalCount: z.boolean().optional(), facets: z.boolean().optional() })
    .optional(),
};

type ParsedShaping = {
  readonly sort?: SearchSort | undefined;
  readonly diversity?: number | undefined;
  readonly collapseDuplicates?: boolean | undefined;
  readonly duplicateThreshold?: number | undefined;
  readonly priceBuckets?: readonly number[] | undefined;
  readonly include?: { totalCount?: boolean | undefined; facets?: boolean | undefined } | undefined;
  readonly after?: CursorPosition | undefined;
};

/** The plan from parsed arguments; `defaultBuckets` is the server's SEARCH_PRICE_BUCKETS. */
export function shapingPlan(parsed: ParsedShaping, defaultBuckets: readonly number[]): ShapingPlan {
  return {
    sort: parsed.sort ?? 'RELEVANCE',
    diversity: parsed.diversity ?? 0,
    duplicateThreshold:
      parsed.collapseDuplicates === true
        ? (parsed.duplicateThreshold ?? DEFAULT_DUPLICATE_THRESHOLD)
        : undefined,
    priceBuckets: parsed.priceBuckets ?? defaultBuckets,
    totalCount: parsed.include?.totalCount === true,
    facets: parsed.include?.facets === true,
  };
}

/** Cross-argument rules: sort and diversity exclude each other; a cursor keeps its order. */
export function checkShaping(parsed: ParsedShaping, ctx: z.RefinementCtx): void {
  const sort = parsed.sort ?? 'RELEVANCE';
  const diversity = parsed.diversity ?? 0;
  if (sort !== 'RELEVANCE' && diversity > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['diversity'],
      message:
        'diversity reorders by relevance: it cannot be combined with a sort other than RELEVANCE',
    });
    return;
  }
  const order = orderOf({ sort, diversity });
  if (parsed.after !== undefined && parsed.after.order !== order) {
    ctx.addIssue({
      code: 'custom',
      path: ['after'],
      message: '`after` is a cursor from a different sort or diversity setting',
      params: { cursorOrder: parsed.after.order ?? 'RELEVANCE', order: order ?? 'RELEVANCE' },
    });
  }
}

/** The cursor order of a plan: undefined for plain relevance. */
export function orderOf(plan: Pick<ShapingPlan, 'sort' | 'diversity'>): CursorOrder | undefined {
  if (plan.sort !== 'RELEVANCE') return plan.sort;
  return plan.diversity > 0 ? 'DIVERSE' : undefined;
}

/** True when the page needs the whole relevant set (every hit within the depth), not a prefix. */
export function needsRelevantSet(plan: ShapingPlan): boolean {
  return (
    plan.totalCount ||
    plan.facets ||
    plan.sort !== 'RELEVANCE' ||
    plan.diversity > 0 ||
    plan.duplicateThreshold !== undefined
  );
}
