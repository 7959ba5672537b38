import { QueryLimitExceededError } from '../../errors/app-error';
import type { InputMaybe, ProductResolvers } from '../generated/resolvers-types';
import { selectedFieldNames } from '../selected-fields';
import { toConnection, toFilter } from './search.resolvers';

const opt = <T>(value: InputMaybe<T> | undefined): T | undefined => value ?? undefined;

/**
 * Product's own fields are the domain object's (default resolvers); `similar` is a search with
 * the product as the one positive example (itself excluded), its hits loaded through the
 * request's DataLoader, so a product page and its recommendations come in one query. At most
 * `limits.maxSimilar` per request.
 */
export const productResolvers: ProductResolvers = {
  similar: async (parent, args, ctx, info) => {
    // A list of products each asking for its own search multiplies one request's cost by the
    // list's length, which no static limit sees: count the searches as they start.
    const found = ++ctx.similarSearches.count;
    const max = ctx.limits.maxSimilar;
    if (found > max) {
      throw new QueryLimitExceededError(
        `The operation resolves Product.similar more than ${max} times`,
        { limit: 'similar', max, found },
      );
    }
    const selected = selectedFieldNames(info);
    const page = await ctx.services.search.search({
      similarTo: [{ productId: parent.id }],
      filter: toFilter(args.filter),
      first: opt(args.first),
      after: opt(args.after),
      minScore: opt(args.minScore),
      // Totals and facets read the whole search depth: only when the query selects them.
      include: { totalCount: selected.has('totalCount'), facets: selected.has('facets') },
    });
    return toConnection(page, ctx);
  },
};
