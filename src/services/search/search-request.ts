import { z } from 'zod';
import type { FusionOptions, FusionWeights, ProductFilter } from '../../domain/search';
import type { CursorPosition } from './cursor';
import { decodeCursor } from './cursor';
import { filterSchema } from './filter.schema';
import { fusionSchema } from './fusion.schema';
import type { QueryPart } from './query-kinds/query-kinds.registry';
import { anyNumber, rule, toBadUserInput } from './request-rules';
import type { ShapingPlan, ShapingRequest } from './result-stages/shaping-plan';
import { checkShaping, shapingArguments, shapingPlan } from './result-stages/shaping-plan';
import type { SearchLimits } from './search-limits';

/** A search as the transport hands it over; absent and undefined mean "not given". */
export interface SearchRequest extends ShapingRequest {
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

/** A validated request: the query parts in list order, and how to page through their fusion. */
export interface SearchPlan {
  readonly parts: readonly QueryPart[];
  readonly filter: ProductFilter;
  readonly first: number;
  readonly offset: number;
  /** The cursor the page continues from (its key resumes single-list searches by keyset). */
  readonly after: CursorPosition | undefined;
  /** How deep every list is read: the cursor's depth, never above the configured one. */
  readonly depth: number;
  readonly minScore: number | undefined;
  readonly fusion: FusionOptions;
  /** Sort, diversity, collapse and the aggregates asked for (result-stages/). */
  readonly shaping: ShapingPlan;
}

// Not instanceof: bytes may come from another realm (jest's sandbox); a Buffer counts too.
const bytes = z.custom<Uint8Array>(
  (value) =>
    ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]',
  { error: 'image must be bytes' },
);

const text = z
  .string()
  .transform((value) => (value.trim() === '' ? undefined : value.trim()))
  .optional();

// First stage on its own: with nothing to search for, no other argument is worth reporting.
const query = z.looseObject({ image: bytes.optional(), text }).superRefine(
  rule(
    (request) => request.image !== undefined || request.text !== undefined,
    'Give an image, a text, or both',
    () => ({ reason: 'EMPTY_QUERY' }),
  ),
);

const cursor = z.string().transform((value, ctx) => {
  const position = decodeCursor(value);
  if (position !== undefined) return position;
  ctx.addIssue({ code: 'custom', message: '`after` is not a cursor this server issued' });
  return z.NEVER;
});

/** Arguments in the order they are checked: the first bad one is the one reported. */
function argumentsSchema(limits: SearchLimits) {
  const { maxTextLength, maxFirst } = limits;
  return z.object({
    image: bytes.optional(),
    text: z
      .string()
      .superRefine(
        rule(
          (value) => value.length <= maxTextLength,
          `text is longer than ${maxTextLength} characters`,
          () => ({ max: maxTextLength }),
        ),
      )
      .optional(),
    first: anyNumber
      .superRefine(
        rule(
          (value) => Number.isInteger(value) && value >= 1 && value <= maxFirst,
          `first must be an integer from 1 to ${maxFirst}`,
          (value) => ({ value }),
        ),
      )
      .default(limits.defaultFirst),
    minScore: anyNumber
      .superRefine(rule(Number.isFinite, 'minScore must be a finite number'))
      .optional(),
    after: cursor.optional(),
    filter: filterSchema.default({}),
    fusion: fusionSchema,
    ...shapingArguments,
  });
}

/** Builds the request parser once per limits; the parser throws BadUserInputError. */
export function searchRequestParser(limits: SearchLimits): (request: SearchRequest) => SearchPlan {
  const defaultBuckets = limits.priceBuckets ?? [];
  const args = argumentsSchema(limits).superRefine(checkShaping);
  const schema = query.pipe(args).transform((request): SearchPlan => ({
    parts: queryParts(request),
    filter: request.filter,
    first: request.first,
    offset: request.after?.offset ?? 0,
    after: request.after,
    depth: Math.min(request.after?.depth ?? limits.depth, limits.depth),
    minScore: request.minScore,
    fusion: request.fusion,
    shaping: shapingPlan(request, defaultBuckets),
  }));
  return (request) => {
    const parsed = schema.safeParse(request);
    if (!parsed.success) throw toBadUserInput(parsed.error.issues);
    return parsed.data;
  };
}

/** The request's query kinds, in the order their lists are fused (image first). */
function queryParts(request: { image?: Uint8Array; text?: string }): QueryPart[] {
  const parts: QueryPart[] = [];
  if (request.image !== undefined) parts.push({ kind: 'image', image: request.image });
  if (request.text !== undefined) parts.push({ kind: 'text', text: request.text });
  return parts;
}
