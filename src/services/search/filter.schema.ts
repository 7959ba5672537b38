import { z } from 'zod';
import type { ProductFilter } from '../../domain/search';
import { anyNumber, rule } from './request-rules';

const MAX_FILTER_TAGS = 50;

const price = (name: 'minPrice' | 'maxPrice') =>
  anyNumber
    .superRefine(
      rule(
        (value) => Number.isFinite(value) && value >= 0,
        `filter.${name} must be a number >= 0`,
        (value) => ({ value }),
      ),
    )
    .optional();

/** Refuses filters that cannot match anything by construction; passes the rest through as is. */
export const filterSchema = z
  .object({
    minPrice: price('minPrice'),
    maxPrice: price('maxPrice'),
    tags: z
      .array(z.string())
      .superRefine(
        rule(
          (tags) => tags.length <= MAX_FILTER_TAGS,
          `filter.tags takes at most ${MAX_FILTER_TAGS} tags`,
        ),
      )
      .optional(),
    category: z
      .string()
      .superRefine(rule((category) => category.trim() !== '', 'filter.category must not be empty'))
      .optional(),
    inStock: z.boolean().optional(),
  })
  .superRefine((filter, ctx) => {
    const { minPrice, maxPrice } = filter;
    if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
      ctx.addIssue({
        code: 'custom',
        path: ['minPrice'],
        message: 'filter.minPrice is above filter.maxPrice',
      });
    }
  }) satisfies z.ZodType<ProductFilter>;
