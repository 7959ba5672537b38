import type { Product } from '../../domain/product';
import type { ProductFilter as DomainFilter } from '../../domain/search';
import type {
  ExampleRequest,
  SearchPage,
  SearchRequest,
} from '../../services/search/search.service';
import type { GraphqlContext } from '../context';
import type {
  ExampleInput,
  FusionInput,
  InputMaybe,
  ProductFilter,
  ProductRefInput,
  QueryResolvers,
  QuerySimilarImagesArgs,
  RecommendInput,
  SearchHitResolvers,
} from '../generated/resolvers-types';
import { selectedFieldNames } from '../selected-fields';
import { readUpload } from '../uploads';
import type { UploadValue } from '../uploads';
import type { LoadedHit } from './parent-types';

// GraphQL says "absent or null"; the service's request says "absent" only.
const opt = <T>(value: InputMaybe<T> | undefined): T | undefined => value ?? undefined;

export function toFilter(filter: InputMaybe<ProductFilter> | undefined): DomainFilter | undefined {
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
      examples: opt(fusion.examplesWeight),
    },
    rrfK: opt(fusion.rrfK),
  };
}

function toRef(ref: ProductRefInput): { productId: string; imageId?: string } {
  return ref.imageId === null || ref.imageId === undefined
    ? { productId: ref.productId }
    : { productId: ref.productId, imageId: ref.imageId };
}

async function toExample(example: ExampleInput, maxUploadBytes: number): Promise<ExampleRequest> {
  const upload = example.upload as UploadValue | null | undefined;
  return {
    product:
      example.product === null || example.product === undefined
        ? undefined
        : toRef(example.product),
    upload:
      upload === null || upload === undefined
        ? undefined
        : (await readUpload(upload, maxUploadBytes)).bytes,
    url: opt(example.url),
    text: opt(example.text),
    weight: opt(example.weight),
  };
}

async function toRecommend(
  recommend: InputMaybe<RecommendInput> | undefined,
  maxUploadBytes: number,
): Promise<SearchRequest['recommend']> {
  if (recommend === null || recommend === undefined) return undefined;
  const examples = (list: readonly ExampleInput[]) =>
    Promise.all(list.map((example) => toExample(example, maxUploadBytes)));
  return {
    positive: await examples(recommend.positive),
    negative: await examples(recommend.negative ?? []),
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
    imageUrl: opt(args.imageUrl),
    text: opt(args.text),
    similarTo: args.similarTo?.map(toRef),
    recommend: await toRecommend(args.recommend, maxUploadBytes),
    filter: toFilter(args.filter),
    first: opt(args.first),
    after: opt(args.after),
    minScore: opt(args.minScore),
    fusion: toFusion(args.fusion),
    popularityWeight: opt(args.popularityWeight),
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
  return toConnection(await ctx.services.search.search(request), ctx);
};

/**
 * A search page as a SearchConnection: every hit's product, and the products folded into it by
 * duplicate collapse, loaded in one DataLoader batch.
 */
export async function toConnection(page: SearchPage, ctx: GraphqlContext) {
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
}

// Required: a field added to SearchHit in schema.graphql fails tsc until it has a resolver.
export const searchHitResolvers: Required<SearchHitResolvers> = {
  product: (parent) => parent.product,
  score: (parent) => parent.hit.score,
  matchedImage: (parent) =>
    parent.product.images.find((image) => image.id === parent.hit.imageId) ?? null,
  duplicates: (parent) => parent.duplicates ?? [],
};
