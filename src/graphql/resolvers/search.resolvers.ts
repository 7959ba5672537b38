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
    popularityWeight: opt(args.popularityWeight),
  };
}

/** Search, then load every hit's product through the request's DataLoader (one batch). */
export const similarImages: NonNullable<QueryResolvers['similarImages']> = async (
  _parent,
  args,
  ctx,
) => {
  const request = await toSearchRequest(args, ctx.limits.maxUploadBytes);
  const page = await ctx.services.search.search(request);
  const products = await ctx.productLoader.loadMany(page.edges.map((e) => e.hit.productId));
  const edges: Array<{ cursor: string; node: LoadedHit }> = [];
  page.edges.forEach((edge, i) => {
    const product = products[i];
    if (product instanceof Error) throw product;
    // Deleted between the search and the load: skipping beats failing the whole page.
    if (product === null || product === undefined) {
      ctx.logger.debug({ productId: edge.hit.productId }, 'search hit vanished before load');
      return;
    }
    edges.push({ cursor: edge.cursor, node: { hit: edge.hit, product } });
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      endCursor: page.endCursor,
    },
    // Placeholders until the search service computes them (issue 12, in progress).
    totalCount: 0,
    facets: { categories: [], tags: [], prices: [] },
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
