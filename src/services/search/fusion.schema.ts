import { z } from 'zod';
import type { FusionMode, FusionOptions } from '../../domain/search';
import type { WeightKey } from './ranked-list';
import { anyNumber, rule } from './request-rules';

const DEFAULT_FUSION: FusionOptions = Object.freeze({
  mode: 'RRF',
  weights: Object.freeze({ image: 1, text: 1, keyword: 1, examples: 1 }),
  rrfK: 60,
});

const MODES = ['RRF', 'LINEAR'] as const satisfies readonly FusionMode[];

const weight = (name: WeightKey) =>
  anyNumber
    .superRefine(
      rule(
        (value) => Number.isFinite(value) && value >= 0 && value <= 1000,
        `fusion weight ${name} must be from 0 to 1000`,
        (value) => ({ value }),
      ),
    )
    .optional();

// One entry per weight key: a list kind with a new key fails to compile until it is listed here.
const weights = {
  image: weight('image'),
  text: weight('text'),
  keyword: weight('keyword'),
  examples: weight('examples'),
} satisfies Record<WeightKey, z.ZodType>;

/** The request's fusion options, defaults filled in: RRF, every weight 1, rrfK 60. */
export const fusionSchema = z
  .object({
    mode: z.enum(MODES, { error: 'fusion.mode must be RRF or LINEAR' }).optional(),
    weights: z.object(weights).optional(),
    rrfK: anyNumber
      .superRefine(
        rule(
          (value) => Number.isFinite(value) && value >= 0 && value <= 10_000,
          'fusion.rrfK must be from 0 to 10000',
        ),
      )
      .optional(),
  })
  .optional()
  .transform((input): FusionOptions => ({
    mode: input?.mode ?? DEFAULT_FUSION.mode,
    weights: { ...DEFAULT_FUSION.weights, ...definedOnly(input?.weights ?? {}) },
    rrfK: input?.rrfK ?? DEFAULT_FUSION.rrfK,
  }));

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
