import type { Product } from '../../domain/product';
import type { QueryResolvers } from '../generated/resolvers-types';

/** Finds the groups, then loads every product named in them through the DataLoader (one batch). */
export const nearDuplicateProducts: NonNullable<QueryResolvers['nearDuplicateProducts']> = async (
  _parent,
  args,
  ctx,
) => {
  const page = await ctx.services.nearDuplicates.find({
    threshold: args.threshold,
    first: args.first ?? undefined,
    after: args.after ?? undefined,
  });
  const ids = page.groups.flatMap((g) => [g.productId, ...g.duplicates.map((d) => d.productId)]);
  const products = new Map<string, Product>();
  for (const product of await ctx.productLoader.loadMany(ids)) {
    if (product instanceof Error) throw product;
    if (product !== null) products.set(product.id, product);
  }
  // A product deleted since the scan drops out of its group (and an emptied group with it).
  const edges = page.groups.flatMap((group) => {
    const product = products.get(group.productId);
    const duplicates = group.duplicates.flatMap((d) => {
      const found = products.get(d.productId);
      return found === undefined ? [] : [{ product: found, similarity: d.similarity }];
    });
    if (product === undefined || duplicates.length === 0) return [];
    return [{ cursor: group.cursor, node: { product, duplicates } }];
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      endCursor: page.endCursor,
    },
  };
};
