import { GraphQLUpload } from 'graphql-upload-ts';
import type { Resolvers } from '../generated/resolvers-types';
import { DateTimeScalar } from '../scalars';
import { mutationResolvers } from './mutation.resolvers';
import { productResolvers } from './product.resolvers';
import { queryResolvers } from './query.resolvers';
import { searchHitResolvers } from './search.resolvers';

/**
 * Thin on purpose: argument mapping and loading only; the policy lives in the services.
 * Types come from schema.graphql (`npm run codegen`); Product, ProductImage and the rest use
 * the default field resolvers over the domain types the mappers name (Product.similar, a
 * search, has its own).
 */
export const resolvers: Resolvers = {
  Upload: GraphQLUpload,
  DateTime: DateTimeScalar,
  Query: queryResolvers,
  Mutation: mutationResolvers,
  SearchHit: searchHitResolvers,
  Product: productResolvers,
};
