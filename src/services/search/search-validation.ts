import type { ProductFilter } from '../../domain/search';
import { BadUserInputError } from '../../errors/app-error';

const MAX_FILTER_TAGS = 50;

/** Rejects filters that cannot match anything by construction, with the argument named. */
export function validateFilter(filter: ProductFilter): ProductFilter {
  const { minPrice, maxPrice, tags, category } = filter;
  for (const [name, value] of [
    ['minPrice', minPrice],
    ['maxPrice', maxPrice],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new BadUserInputError(`filter.${name} must be a number >= 0`, {
        argument: `filter.${name}`,
        value,
      });
    }
  }
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
    throw new BadUserInputError('filter.minPrice is above filter.maxPrice', {
      argument: 'filter.minPrice',
    });
  }
  if (tags !== undefined && tags.length > MAX_FILTER_TAGS) {
    throw new BadUserInputError(`filter.tags takes at most ${MAX_FILTER_TAGS} tags`, {
      argument: 'filter.tags',
    });
  }
  if (category !== undefined && category.trim() === '') {
    throw new BadUserInputError('filter.category must not be empty', {
      argument: 'filter.category',
    });
  }
  return filter;
}
