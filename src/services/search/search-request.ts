import { z } from 'zod';
import type { FusionOptions, FusionWeights, ProductFilter } from '../../domain/search';
import type { CursorPosition } from './cursor';
import { decodeCursor } from './cursor';
import { filterSchema } from './filter.schema';
import { fusionSchema } from './fusion.schema';
import type { ProductRef, RecommendRequest } from './examples.schema';
import { exampleCountRules, exampleCounts, examplesSchema, toExamples } from './examples.schema';
import type { QueryInputs } from './query-inputs';
import type { QueryPart } from './query-kinds/query-kinds.registry';
import { anyNumber, bytes, rule, toBadUserInput } from './request-rules';
import type { ShapingPlan, ShapingRequest } from './result-stages/shaping-plan';
import { checkShaping, shapingArguments, shapingPlan } from './result-stages/shaping-plan';
import type { SearchLimits } from './search-limits';

export type { ExampleRequest } from './examples.schema';

/** A search as the transport hands it over; absent and undefined mean "not given". */
export interface SearchRequest extends ShapingRequest {
  readonly image?: Uint8Array;
  /** A photo to fetch (at most one of image and imageUrl). */
  readonly imageUrl?: string;
  readonly text?: string;
  /** More like these stored products: positives of weight 1. */
  readonly similarTo?: readonly ProductRef[];
  readonly recommend?: RecommendRequest;
  readonly filter?: ProductFilter;
  readonly first?: number;
  readonly after?: string;
  readonly minScore?: number;
  readonly fusion?: {
    readonly mode?: FusionOptions['mode'];
    readonly weights?: Partial<FusionWeights>;
    readonly rrfK?: number;
  };
  /** Weight of the popularity blend (result-stages/popularity.stage.ts); 0 when absent. */
  readonly popularityWeight?: number;
}

/** A validated request: the query parts in list order, and how to page through their fusion. */
export interface SearchPlan {
  readonly parts: readonly QueryPart[];
  /** The stored products given as examples: no list returns them (QueryContext.exclude). */
  readonly exclude: ReadonlySet<string>;
  readonly filter: ProductFilter;
  readonly first: number;
  readonly offset: number;
  /** The cursor the page continues from (its key resumes single-list searches by keyset). */
  readonly after: CursorPosition | undefined;
  /** How deep every list is read: the cursor's depth, never above the configured one. */
  readonly depth: number;
  readonly minScore: number | undefined;
  readonly fusion: FusionOptions;
  /** >= 0; 0 leaves the ranking exactly as fusion made it. */
  readonly popularityWeight: number;
  /** Sort, diversity, collapse and the aggregates asked for (result-stages/). */
  readonly shaping: ShapingPlan;
}

/** A validated request before its photos by URL are fetched (queryParts makes its parts). */
export interface ParsedSearch extends Omit<SearchPlan, 'parts'> {
  readonly inputs: QueryInputs;
}

const text = z
  .string()
  .transform((value) => (value.trim() === '' ? undefined : value.trim()))
  .optional();

// First stage on its own: with nothing to search for (or too much), no other argument is worth
// reporting, and no example is looked at.
const queryStage = (limits: SearchLimits) =>
  z
    .looseObject({
      image: bytes.optional(),
      imageUrl: z.unknown().optional(),
      text,
      similarTo: z.array(z.unknown()).optional(),
      recommend: z
        .looseObject({ positive: z.array(z.unknown()), negative: z.unknown().optional() })
        .optional(),
    })
    .superRefine(
      rule(
        (request) => {
          const { positive, negative } = exampleCounts(request);
          const photo = request.image !== undefined || request.imageUrl !== undefined;
          return photo || request.text !== undefined || positive + negative > 0;
        },
        'Give an image (or imageUrl), a text, similarTo or recommend examples, or several',
        () => ({ reason: 'EMPTY_QUERY' }),
      ),
    )
    .superRefine((request, ctx) => {
      if (request.image === undefined || request.imageUrl === undefined) return;
      ctx.addIssue({
        code: 'custom',
        message: 'Give at most one of image and imageUrl',
        path: ['imageUrl'],
        params: { reason: 'IMAGE_AND_IMAGE_URL' },
      });
    })
    .superRefine(exampleCountRules(limits.maxExamples));

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
    imageUrl: z.string().optional(),
    ...examplesSchema(limits),
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
    popularityWeight: anyNumber
      .superRefine(
        rule(
          (value) => Number.isFinite(value) && value >= 0,
          'popularityWeight must be a finite number >= 0',
          (value) => ({ value }),
        ),
      )
      .default(0),
    ...shapingArguments,
  });
}

/** Builds the request parser once per limits; the parser throws BadUserInputError. */
export function searchRequestParser(
  limits: SearchLimits,
): (request: SearchRequest) => ParsedSearch {
  const defaultBuckets = limits.priceBuckets ?? [];
  const args = argumentsSchema(limits).superRefine(checkShaping);
  const schema = queryStage(limits)
    .pipe(args)
    .transform((request): ParsedSearch => {
      const inputs = queryInputs(request);
      return {
        inputs,
        exclude: storedExamples(inputs),
        filter: request.filter,
        first: request.first,
        offset: request.after?.offset ?? 0,
        after: request.after,
        depth: Math.min(request.after?.depth ?? limits.depth, limits.depth),
        minScore: request.minScore,
        fusion: request.fusion,
        popularityWeight: request.popularityWeight,
        shaping: shapingPlan(request, defaultBuckets),
      };
    });
  return (request) => {
    const parsed = schema.safeParse(request);
    if (!parsed.success) throw toBadUserInput(parsed.error.issues);
    return parsed.data;
  };
}

/** The request's query inputs (queryParts turns them into parts, in fusion order). */
function queryInputs(
  request: { image?: Uint8Array; imageUrl?: string; text?: string } & Parameters<
    typeof toExamples
  >[0],
): QueryInputs {
  return {
    ...(request.image === undefined ? {} : { image: request.image }),
    ...(request.imageUrl === undefined ? {} : { imageUrl: request.imageUrl }),
    ...(request.text === undefined ? {} : { text: request.text }),
    ...toExamples(request),
  };
}

/** The stored products among the examples (positive or negative), which results leave out. */
function storedExamples(inputs: QueryInputs): ReadonlySet<string> {
  const ids = [...inputs.positive, ...inputs.negative].flatMap(({ source }) =>
    source.kind === 'product' ? [source.productId] : [],
  );
  return new Set(ids);
}
