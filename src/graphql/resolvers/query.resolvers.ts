import type { QueryResolvers } from '../generated/resolvers-types';
import { nearDuplicateProducts } from './near-duplicates.resolvers';
import { similarImages } from './search.resolvers';

export const queryResolvers: QueryResolvers = {
  similarImages,
  nearDuplicateProducts,
  product: (_parent, args, ctx) => ctx.productLoader.load(args.id),
  // An Error in the list nulls only its own entry (with an error at that path).
  products: (_parent, args, ctx) => ctx.productLoader.loadMany(args.ids),
};
