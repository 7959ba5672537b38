import type { InputMaybe, ProductResolvers } from '../generated/resolvers-types';
import { toConnection, toFilter } from './search.resolvers';

const opt = <T>(value: InputMaybe<T> | undefined): T | undefined => value ?? undefined;

/**
 * Product's own fields are the domain object's (default resolvers); `similar` is a search with
 * the product as the one positive example (itself excluded), its hits loaded through the
 * request's DataLoader, so a product page and its recommendations come in one query.
 */
export const productResolvers: ProductResolvers = {
  similar: async (parent, args, ctx) => {
    const page = await ctx.services.search.search({
      similarTo: [{ productId: parent.id }],
      filter: toFilter(args.filter),
      first: opt(args.first),
      after: opt(args.after),
      minScore: opt(args.minScore),
    });
    return toConnection(page, ctx);
  },
};
