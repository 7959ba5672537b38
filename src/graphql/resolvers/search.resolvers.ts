import type { Product } from '../../domain/product';
import type { ProductFilter as DomainFilter } from '../../domain/search';
import type { SearchRequest } from '../../services/search/search.service';
import type {
  FusionInput,
  InputMaybe,
  ProductFilter,
  QueryResolvers,
  QuerySimilarImagesArgs,
  SearchHitResolvers,
} from '../generated/resolvers-types';
import { selectedFieldNames } from '../selected-fields';
import { readUpload } from '../uploads';
import type { LoadedHit } from './parent-types';

// GraphQL says "absent or null"; the service's request says "absent" only.
const opt = <T>(value: InputMaybe<T> | undefined): T | undefined => value ?? undefined;

function toFilter(filter: InputMaybe<ProductFilter> | undefined): DomainFilter | undefined {
  if (filter === null || filter === undefined) return undefined;
  return {
    category: opt(filter.category),
    minPrice: opt(filter.minPrice),
    maxPrice: opt(filter.maxPrice),
    tags: opt(filter.tags),
    inStock: opt(filter.inStock),
  };
}

function toFusion(fusion: InputMaybe<FusionInput> | undefined): SearchRequest['fusion'] {
  if (fusion === null || fusion === undefined) return undefined;
  return {
    mode: opt(fusion.mode),
    weights: {
      image: opt(fusion.imageWeight),
      text: opt(fusion.textWeight),
      keyword: opt(fusion.keywordWeight),
    },
    rrfK: opt(fusion.rrfK),
  };
}

/** Maps GraphQL arguments (nulls and all) onto the service's request; the service validates. */
async function toSearchRequest(
  args: QuerySimilarImagesArgs,
  maxUploadBytes: number,
  selected: ReadonlySet<string>,
): Promise<SearchRequest> {
  const image =
    args.image === null || args.image === undefined
      ? undefined
      : (await readUpload(args.image, maxUploadBytes)).bytes;
  return {
    image,
    text: opt(args.text),
    filter: toFilter(args.filter),
    first: opt(args.first),
    after: opt(args.after),
    minScore: opt(args.minScore),
    fusion: toFusion(args.fusion),
    sort: opt(args.sort),
    diversity: opt(args.diversity),
    collapseDuplicates: opt(args.collapseDuplicates),
    duplicateThreshold: opt(args.duplicateThreshold),
    priceBuckets: opt(args.priceBuckets),
    // Totals and facets read the whole search depth: only when the query selects them.
    include: { totalCount: selected.has('totalCount'), facets: selected.has('facets') },
  };
}

/**
 * Search, then load every hit's product and its folded duplicates through the request's
 * DataLoader (one batch).
 */
export const similarImages: NonNullable<QueryResolvers['similarImages']> = async (
  _parent,
  args,
  ctx,
  info,
) => {
  const request = await toSearchRequest(args, ctx.limits.maxUploadBytes, selectedFieldNames(info));
  const page = await ctx.services.search.search(request);
  const ids = page.edges.flatMap((e) => [e.hit.productId, ...(e.duplicates ?? [])]);
  const loaded = await ctx.productLoader.loadMany(ids);
  const products = new Map<string, Product>();
  loaded.forEach((product) => {
    if (product instanceof Error) throw product;
    if (product !== null) products.set(product.id, product);
  });
  const edges: Array<{ cursor: string; node: LoadedHit }> = [];
  for (const edge of page.edges) {
    const product = products.get(edge.hit.productId);
    // Deleted between the search and the load: skipping beats failing the whole page.
    if (product === undefined) {
      ctx.logger.debug({ productId: edge.hit.productId }, 'search hit vanished before load');
      continue;
    }
    const duplicates = (edge.duplicates ?? []).flatMap((id) => products.get(id) ?? []);
    edges.push({ cursor: edge.cursor, node: { hit: edge.hit, product, duplicates } });
  }
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      endCursor: page.endCursor,
    },
    // Present whenever selected (the request's `include` followed the selection).
    totalCount: page.totalCount ?? 0,
    facets: page.facets ?? { categories: [], tags: [], prices: [] },
  };
};

// Required: a field added to SearchHit in schema.graphql fails tsc until it has a resolver.
export const searchHitResolvers: Required<SearchHitResolvers> = {
  product: (parent) => parent.product,
  score: (parent) => parent.hit.score,
  matchedImage: (parent) =>
    parent.product.images.find((image) => image.id === parent.hit.imageId) ?? null,
  duplicates: (parent) => parent.duplicates ?? [],
};
