import { z } from 'zod';
import type { SearchLimits } from './search-limits';
import { anyNumber, bytes, rule } from './request-rules';

/** A stored product, or one of its photos, as the request names it. */
export interface ProductRef {
  readonly productId: string;
  readonly imageId?: string;
}

/** One example as the transport hands it over: exactly one of product, upload, url and text. */
export interface ExampleRequest {
  readonly product?: ProductRef;
  readonly upload?: Uint8Array;
  readonly url?: string;
  readonly text?: string;
  /** Greater than 0; 1 when absent. */
  readonly weight?: number;
}

export interface RecommendRequest {
  readonly positive: readonly ExampleRequest[];
  readonly negative?: readonly ExampleRequest[];
}

/** A validated example; a photo by URL is not fetched yet (query-inputs.ts does that). */
export interface ExampleInput {
  readonly source:
    | { readonly kind: 'product'; readonly productId: string; readonly imageId?: string }
    | { readonly kind: 'photo'; readonly image: Uint8Array }
    | { readonly kind: 'url'; readonly url: string }
    | { readonly kind: 'text'; readonly text: string };
  readonly weight: number;
  /** Where the request gave it, e.g. `recommend.positive.1`: named by every error about it. */
  readonly argument: string;
}

/** How many examples a request holds (similarTo and recommend together), from its raw shape. */
export function exampleCounts(request: {
  readonly similarTo?: readonly unknown[];
  readonly recommend?: { readonly positive?: readonly unknown[]; readonly negative?: unknown };
}): { positive: number; negative: number } {
  const negative = request.recommend?.negative;
  return {
    positive: (request.similarTo?.length ?? 0) + (request.recommend?.positive?.length ?? 0),
    negative: Array.isArray(negative) ? negative.length : 0,
  };
}

/** The cheap checks over all examples, run before any one of them is looked at. */
export function exampleCountRules(maxExamples: number) {
  return (
    request: Parameters<typeof exampleCounts>[0] & { readonly recommend?: unknown },
    ctx: z.RefinementCtx,
  ): void => {
    const { positive, negative } = exampleCounts(request);
    const argument = request.recommend === undefined ? 'similarTo' : 'recommend';
    if (positive + negative > maxExamples) {
      ctx.addIssue({
        code: 'custom',
        message: `At most ${maxExamples} examples (similarTo and recommend together)`,
        path: [argument],
        params: { reason: 'TOO_MANY_EXAMPLES', max: maxExamples, count: positive + negative },
      });
    } else if (negative > 0 && positive === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'Negative examples need at least one positive example',
        path: ['recommend', 'negative'],
        params: { reason: 'NEGATIVE_WITHOUT_POSITIVE' },
      });
    }
  };
}

const productRef = z.object({
  productId: z.string(),
  imageId: z.string().optional(),
});

const SOURCES = ['product', 'upload', 'url', 'text'] as const;

function exampleSchema(limits: SearchLimits) {
  return z
    .object({
      product: productRef.optional(),
      upload: bytes.optional(),
      url: z.string().optional(),
      text: z
        .string()
        .transform((value) => value.trim())
        .superRefine(rule((value) => value !== '', 'An example text must not be blank'))
        .superRefine(
          rule(
            (value) => value.length <= limits.maxTextLength,
            `An example text is longer than ${limits.maxTextLength} characters`,
            () => ({ max: limits.maxTextLength }),
          ),
        )
        .optional(),
      weight: anyNumber
        .superRefine(
          rule(
            (value) => Number.isFinite(value) && value > 0,
            'An example weight must be a finite number greater than 0',
            (value) => ({ value }),
          ),
        )
        .optional(),
    })
    .superRefine(
      rule(
        (example) => SOURCES.filter((key) => example[key] !== undefined).length === 1,
        'An example needs exactly one of product, upload, url and text',
        (example) => ({
          reason: 'EXAMPLE_SOURCE',
          given: SOURCES.filter((key) => example[key] !== undefined),
        }),
      ),
    );
}

type ParsedExample = z.output<ReturnType<typeof exampleSchema>>;

/** similarTo and recommend, checked one by one (exampleCountRules ran before). */
export function examplesSchema(limits: SearchLimits) {
  const example = exampleSchema(limits);
  return {
    similarTo: z.array(productRef).optional(),
    recommend: z
      .object({ positive: z.array(example), negative: z.array(example).optional() })
      .optional(),
  };
}

/** The request's examples as positives and negatives; similarTo entries are positives of weight 1. */
export function toExamples(request: {
  readonly similarTo?: readonly ProductRef[] | undefined;
  readonly recommend?:
    | { readonly positive: readonly ParsedExample[]; readonly negative?: readonly ParsedExample[] }
    | undefined;
}): { positive: ExampleInput[]; negative: ExampleInput[] } {
  const similar = (request.similarTo ?? []).map((ref, i): ExampleInput => ({
    source: { kind: 'product', ...ref },
    weight: 1,
    argument: `similarTo.${i}`,
  }));
  const list = (examples: readonly ParsedExample[] | undefined, name: string) =>
    (examples ?? []).map((example, i) => toExample(example, `recommend.${name}.${i}`));
  return {
    positive: [...similar, ...list(request.recommend?.positive, 'positive')],
    negative: list(request.recommend?.negative, 'negative'),
  };
}

function toExample(example: ParsedExample, argument: string): ExampleInput {
  const weight = example.weight ?? 1;
  const { product, upload, url, text } = example;
  if (product !== undefined) return { source: { kind: 'product', ...product }, weight, argument };
  if (upload !== undefined) return { source: { kind: 'photo', image: upload }, weight, argument };
  if (url !== undefined) return { source: { kind: 'url', url }, weight, argument };
  return { source: { kind: 'text', text: text ?? '' }, weight, argument };
}
