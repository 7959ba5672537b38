import { GraphQLUpload } from 'graphql-upload-ts';
import type { Product, ProductImage } from '../../domain/product';
import type { FusionMode, ProductFilter, SearchHit } from '../../domain/search';
import { BadUserInputError, NotFoundError } from '../../errors/app-error';
import type { SearchRequest } from '../../services/search/search.service';
import type { GraphqlContext } from '../context';
import { DateTimeScalar } from '../scalars';
import type { UploadValue } from '../uploads';
import { readUpload, readUploads } from '../uploads';

type Maybe<T> = T | null | undefined;

interface FilterArgs {
  readonly category?: Maybe<string>;
  readonly minPrice?: Maybe<number>;
  readonly maxPrice?: Maybe<number>;
  readonly tags?: Maybe<readonly string[]>;
  readonly inStock?: Maybe<boolean>;
}

interface FusionArgs {
  readonly mode?: Maybe<FusionMode>;
  readonly imageWeight?: Maybe<number>;
  readonly textWeight?: Maybe<number>;
  readonly keywordWeight?: Maybe<number>;
  readonly rrfK?: Maybe<number>;
}

export interface SimilarImagesArgs {
  readonly image?: Maybe<UploadValue>;
  readonly text?: Maybe<string>;
  readonly filter?: Maybe<FilterArgs>;
  readonly first?: Maybe<number>;
  readonly after?: Maybe<string>;
  readonly minScore?: Maybe<number>;
  readonly fusion?: Maybe<FusionArgs>;
}

interface ProductInputArgs {
  readonly id: string;
  readonly title: string;
  readonly description?: Maybe<string>;
  readonly category: string;
  readonly price: number;
  readonly currency: string;
  readonly tags?: Maybe<readonly string[]>;
  readonly inStock?: Maybe<boolean>;
  readonly images: readonly UploadValue[];
  readonly imageUrls?: Maybe<ReadonlyArray<string | null>>;
}

/** A hit with its product already loaded (through the request's DataLoader). */
export interface LoadedHit {
  readonly hit: SearchHit;
  readonly product: Product;
}

const opt = <T>(value: Maybe<T>): T | undefined => (value === null ? undefined : value);

function toFilter(filter: Maybe<FilterArgs>): ProductFilter | undefined {
  if (filter === null || filter === undefined) return undefined;
  return {
    category: opt(filter.category),
    minPrice: opt(filter.minPrice),
    maxPrice: opt(filter.maxPrice),
    tags: opt(filter.tags),
    inStock: opt(filter.inStock),
  };
}

function toFusion(fusion: Maybe<FusionArgs>): SearchRequest['fusion'] {
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
export async function toSearchRequest(
  args: SimilarImagesArgs,
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
  };
}

async function similarImages(_: unknown, args: SimilarImagesArgs, ctx: GraphqlContext) {
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
  };
}

async function indexProduct(_: unknown, args: { input: ProductInputArgs }, ctx: GraphqlContext) {
  const { images, imageUrls, ...fields } = args.input;
  if (imageUrls !== null && imageUrls !== undefined && imageUrls.length > images.length) {
    await readUploads(images, ctx.limits.maxUploadBytes).catch(() => undefined);
    throw new BadUserInputError('imageUrls has more entries than images', {
      fields: [{ field: 'imageUrls', problem: 'count' }],
    });
  }
  const files = await readUploads(images, ctx.limits.maxUploadBytes);
  const product = await ctx.services.indexing.indexProduct({
    ...fields,
    images: files.map((file, i) => ({
      bytes: file.bytes,
      filename: file.filename,
      url: imageUrls?.[i] ?? null,
    })),
  });
  ctx.productLoader.clear(product.id).prime(product.id, product);
  return product;
}

async function deleteProduct(_: unknown, args: { id: string }, ctx: GraphqlContext) {
  const deleted = await ctx.services.indexing.deleteProduct(args.id);
  ctx.productLoader.clear(args.id);
  if (!deleted) throw new NotFoundError(`No product with id ${args.id}`, { id: args.id });
  return { id: args.id, deleted: true };
}

/** Thin on purpose: argument mapping and loading only; the policy lives in the services. */
export const resolvers = {
  Upload: GraphQLUpload,
  DateTime: DateTimeScalar,
  Query: {
    similarImages,
    product: (_: unknown, args: { id: string }, ctx: GraphqlContext) =>
      ctx.productLoader.load(args.id),
    // An Error in the list nulls only its own entry (with an error at that path).
    products: (_: unknown, args: { ids: readonly string[] }, ctx: GraphqlContext) =>
      ctx.productLoader.loadMany(args.ids),
  },
  Mutation: { indexProduct, deleteProduct },
  SearchHit: {
    product: (parent: LoadedHit) => parent.product,
    score: (parent: LoadedHit) => parent.hit.score,
    matchedImage: (parent: LoadedHit): ProductImage | null =>
      parent.product.images.find((image) => image.id === parent.hit.imageId) ?? null,
  },
};
