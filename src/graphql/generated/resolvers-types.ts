import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Product as DomainProduct, ProductImage as DomainProductImage } from '../../domain/product';
import type { LoadedHit } from '../resolvers/parent-types';
import type { GraphqlContext } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** ISO 8601 date-time string. */
  DateTime: { input: Date; output: string; }
  /**
   * Product image search. Shoppers search the catalog with a photo, with words, or both;
   * catalog teams index products with one or more photos.
   * Uploads follow the GraphQL multipart request spec; send the header
   * `Apollo-Require-Preflight: true` with multipart requests (CSRF prevention).
   */
  Upload: { input: Promise<import('graphql-upload-ts').FileUpload>; output: never; }
};

export type DeleteProductPayload = {
  readonly __typename?: 'DeleteProductPayload';
  readonly deleted: Scalars['Boolean']['output'];
  readonly id: Scalars['ID']['output'];
};

/**
 * One example: exactly one of product, upload, url and text (else BAD_USER_INPUT naming it,
 * e.g. recommend.positive.1).
 */
export type ExampleInput = {
  readonly product?: InputMaybe<ProductRefInput>;
  readonly text?: InputMaybe<Scalars['String']['input']>;
  readonly upload?: InputMaybe<Scalars['Upload']['input']>;
  readonly url?: InputMaybe<Scalars['String']['input']>;
  /** Greater than 0. */
  readonly weight?: InputMaybe<Scalars['Float']['input']>;
};

export type FacetCount = {
  readonly __typename?: 'FacetCount';
  readonly count: Scalars['Int']['output'];
  readonly value: Scalars['String']['output'];
};

export type FusionInput = {
  /** Weight of the kNN list for the similarTo and recommend examples. */
  readonly examplesWeight?: InputMaybe<Scalars['Float']['input']>;
  /** Weight of the kNN list for the uploaded photo. */
  readonly imageWeight?: InputMaybe<Scalars['Float']['input']>;
  /** Weight of the BM25 list over title and description. */
  readonly keywordWeight?: InputMaybe<Scalars['Float']['input']>;
  readonly mode?: InputMaybe<FusionMode>;
  /** RRF rank constant. */
  readonly rrfK?: InputMaybe<Scalars['Int']['input']>;
  /** Weight of the kNN list for the CLIP vector of the text. */
  readonly textWeight?: InputMaybe<Scalars['Float']['input']>;
};

export type FusionMode =
  /** Weighted mean of normalised scores: cosine mapped to [0, 1], BM25 divided by the best BM25. */
  | 'LINEAR'
  /** Reciprocal rank fusion: sum of weight / (rrfK + rank) over the ranked lists. */
  | 'RRF';

export type IndexProductResult = {
  readonly __typename?: 'IndexProductResult';
  readonly error?: Maybe<ItemError>;
  readonly id: Scalars['ID']['output'];
  /** Position in inputs. */
  readonly index: Scalars['Int']['output'];
  /** The stored product, or null when error is set. */
  readonly product?: Maybe<Product>;
};

export type InteractionInput = {
  /** When it happened; now when omitted. Not in the future (a little clock skew is allowed). */
  readonly at?: InputMaybe<Scalars['DateTime']['input']>;
  readonly productId: Scalars['ID']['input'];
  /** The search text the shopper came from, when there was one: popularity is also kept per query. */
  readonly query?: InputMaybe<Scalars['String']['input']>;
  readonly sessionId?: InputMaybe<Scalars['String']['input']>;
  readonly type: InteractionType;
};

export type InteractionType =
  | 'ADD_TO_CART'
  | 'CLICK'
  | 'PURCHASE'
  | 'VIEW';

/** Why one input of a batch was refused. */
export type ItemError = {
  readonly __typename?: 'ItemError';
  /** The error code, as in extensions.code of a GraphQL error (BAD_USER_INPUT, IMAGE_FETCH_FAILED, ...). */
  readonly code: Scalars['String']['output'];
  /** The input's field or photo the error is about, e.g. photos.2, images.0 or price. */
  readonly field?: Maybe<Scalars['String']['output']>;
  readonly message: Scalars['String']['output'];
};

export type Mutation = {
  readonly __typename?: 'Mutation';
  /**
   * Append photos to a product (uploads or URLs); only photos whose bytes are not indexed yet are
   * embedded. Existing image ids stay; new ones are numbered after the highest in use.
   */
  readonly addProductPhotos: Product;
  /** Delete a product. Fails with NOT_FOUND for an unknown id. */
  readonly deleteProduct: DeleteProductPayload;
  /** Index a product with its photos. Indexing an existing id replaces that product. */
  readonly indexProduct: Product;
  /**
   * Index many products in one call (1 to INDEX_MAX_BATCH, default 100; more fails with
   * BAD_USER_INPUT before any work). Returns one result per input, in order: the stored product,
   * or a coded error naming the input's field or photo. One bad product fails alone; the good ones
   * are written together and are durable once the response arrives. Photos whose bytes are already
   * indexed reuse their stored vector: re-indexing an unchanged catalog runs no model.
   */
  readonly indexProducts: ReadonlyArray<IndexProductResult>;
  /**
   * Record shopper interactions (the feedback loop). Durable once the response arrives; events
   * are batched with other requests' events into one write. Unknown products (NOT_FOUND),
   * timestamps in the future beyond INTERACTION_MAX_SKEW_MS, more than INTERACTION_MAX_BATCH
   * events (default 500) and over-long query or session ids (BAD_USER_INPUT, details.argument
   * names the event) fail before anything is written; a full write queue answers OVERLOADED
   * (503 with Retry-After). Needs a key with the interactions:write scope (or admin), not
   * catalog:write, when AUTH_MODE=keys.
   */
  readonly recordInteractions: RecordInteractionsPayload;
  /**
   * Remove photos by image id; the other photos keep their ids (positions close up). A product
   * keeps at least one photo (BAD_USER_INPUT otherwise).
   */
  readonly removeProductPhotos: Product;
  /**
   * Change catalog fields of one product without re-embedding anything; keyword search sees the
   * new text at once. Fails with NOT_FOUND for an unknown id, BAD_USER_INPUT for an empty or
   * invalid patch.
   */
  readonly updateProduct: Product;
};


export type MutationAddProductPhotosArgs = {
  id: Scalars['ID']['input'];
  photos: ReadonlyArray<PhotoInput>;
};


export type MutationDeleteProductArgs = {
  id: Scalars['ID']['input'];
};


export type MutationIndexProductArgs = {
  input: ProductInput;
};


export type MutationIndexProductsArgs = {
  inputs: ReadonlyArray<ProductInput>;
};


export type MutationRecordInteractionsArgs = {
  events: ReadonlyArray<InteractionInput>;
};


export type MutationRemoveProductPhotosArgs = {
  id: Scalars['ID']['input'];
  imageIds: ReadonlyArray<Scalars['ID']['input']>;
};


export type MutationUpdateProductArgs = {
  id: Scalars['ID']['input'];
  patch: ProductPatch;
};

export type NearDuplicate = {
  readonly __typename?: 'NearDuplicate';
  readonly product: Product;
  /** Best cosine similarity between a photo of each. */
  readonly similarity: Scalars['Float']['output'];
};

export type NearDuplicateConnection = {
  readonly __typename?: 'NearDuplicateConnection';
  readonly edges: ReadonlyArray<NearDuplicateEdge>;
  readonly pageInfo: PageInfo;
};

export type NearDuplicateEdge = {
  readonly __typename?: 'NearDuplicateEdge';
  readonly cursor: Scalars['String']['output'];
  readonly node: NearDuplicateGroup;
};

export type NearDuplicateGroup = {
  readonly __typename?: 'NearDuplicateGroup';
  /** Its near-duplicates with larger ids, most similar first. */
  readonly duplicates: ReadonlyArray<NearDuplicate>;
  readonly product: Product;
};

export type PageInfo = {
  readonly __typename?: 'PageInfo';
  readonly endCursor?: Maybe<Scalars['String']['output']>;
  readonly hasNextPage: Scalars['Boolean']['output'];
  readonly hasPreviousPage: Scalars['Boolean']['output'];
};

/** One photo: exactly one of upload and url, else BAD_USER_INPUT naming the photo (photos.2). */
export type PhotoInput = {
  readonly upload?: InputMaybe<Scalars['Upload']['input']>;
  /** http(s) URL the service fetches; kept as the image's url. */
  readonly url?: InputMaybe<Scalars['String']['input']>;
};

/** Products with min <= price < max (min null: no lower bound; max null: no upper bound). */
export type PriceBucketCount = {
  readonly __typename?: 'PriceBucketCount';
  readonly count: Scalars['Int']['output'];
  readonly max?: Maybe<Scalars['Float']['output']>;
  readonly min?: Maybe<Scalars['Float']['output']>;
};

export type Product = {
  readonly __typename?: 'Product';
  readonly category: Scalars['String']['output'];
  readonly createdAt: Scalars['DateTime']['output'];
  readonly currency: Scalars['String']['output'];
  readonly description: Scalars['String']['output'];
  readonly id: Scalars['ID']['output'];
  readonly images: ReadonlyArray<ProductImage>;
  readonly inStock: Scalars['Boolean']['output'];
  /** Id of the model whose vectors index this product. */
  readonly modelId: Scalars['String']['output'];
  readonly price: Scalars['Float']['output'];
  /**
   * More like this product (its stored vectors; itself excluded), for a product page's
   * recommendations: similarImages(similarTo: [{productId: id}]). Nullable so that a refusal
   * fails only this field, not the page it sits in: null (with an error at its path) beyond
   * GRAPHQL_MAX_SIMILAR such fields in one operation (QUERY_LIMIT_EXCEEDED), or without the
   * search scope (FORBIDDEN).
   */
  readonly similar?: Maybe<SearchConnection>;
  readonly tags: ReadonlyArray<Scalars['String']['output']>;
  readonly title: Scalars['String']['output'];
  readonly updatedAt: Scalars['DateTime']['output'];
};


export type ProductSimilarArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ProductFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  minScore?: InputMaybe<Scalars['Float']['input']>;
};

export type ProductFilter = {
  /** Exact category. */
  readonly category?: InputMaybe<Scalars['String']['input']>;
  readonly inStock?: InputMaybe<Scalars['Boolean']['input']>;
  /** Inclusive upper bound. */
  readonly maxPrice?: InputMaybe<Scalars['Float']['input']>;
  /** Inclusive lower bound. */
  readonly minPrice?: InputMaybe<Scalars['Float']['input']>;
  /** The product must carry every one of these tags. */
  readonly tags?: InputMaybe<ReadonlyArray<Scalars['String']['input']>>;
};

export type ProductImage = {
  readonly __typename?: 'ProductImage';
  readonly contentSha256: Scalars['String']['output'];
  readonly filename?: Maybe<Scalars['String']['output']>;
  readonly height: Scalars['Int']['output'];
  readonly id: Scalars['ID']['output'];
  readonly position: Scalars['Int']['output'];
  readonly url?: Maybe<Scalars['String']['output']>;
  readonly width: Scalars['Int']['output'];
};

export type ProductInput = {
  readonly category: Scalars['String']['input'];
  /** ISO 4217 code, e.g. USD. */
  readonly currency: Scalars['String']['input'];
  readonly description?: InputMaybe<Scalars['String']['input']>;
  /** The catalog's own SKU. */
  readonly id: Scalars['ID']['input'];
  /** Source URLs of the uploaded images, in the same order as images, where known. */
  readonly imageUrls?: InputMaybe<ReadonlyArray<InputMaybe<Scalars['String']['input']>>>;
  /**
   * Uploaded photos (JPEG, PNG, WebP, GIF, AVIF, TIFF). images and photos together: 1 to
   * MAX_IMAGES_PER_PRODUCT; images come first, then photos, in order.
   */
  readonly images?: InputMaybe<ReadonlyArray<Scalars['Upload']['input']>>;
  /** Defaults to true. */
  readonly inStock?: InputMaybe<Scalars['Boolean']['input']>;
  /** Photos as uploads or URLs the service fetches (each exactly one of the two). */
  readonly photos?: InputMaybe<ReadonlyArray<PhotoInput>>;
  readonly price: Scalars['Float']['input'];
  readonly tags?: InputMaybe<ReadonlyArray<Scalars['String']['input']>>;
  readonly title: Scalars['String']['input'];
};

/** Catalog fields to change; fields left out (or null) stay as they are. */
export type ProductPatch = {
  readonly category?: InputMaybe<Scalars['String']['input']>;
  /** ISO 4217 code, e.g. USD. */
  readonly currency?: InputMaybe<Scalars['String']['input']>;
  /** Send an empty string to clear it. */
  readonly description?: InputMaybe<Scalars['String']['input']>;
  readonly inStock?: InputMaybe<Scalars['Boolean']['input']>;
  readonly price?: InputMaybe<Scalars['Float']['input']>;
  /** Replaces the tags; [] clears them. */
  readonly tags?: InputMaybe<ReadonlyArray<Scalars['String']['input']>>;
  readonly title?: InputMaybe<Scalars['String']['input']>;
};

/** A stored product, or one of its photos. */
export type ProductRefInput = {
  /** An image id of that product (Product.images.id); all its photos when omitted. */
  readonly imageId?: InputMaybe<Scalars['ID']['input']>;
  readonly productId: Scalars['ID']['input'];
};

export type Query = {
  readonly __typename?: 'Query';
  /**
   * Catalog cleaning: products with near-identical photos (cosine >= threshold between some photo
   * of each), grouped under the product with the smallest id, paged by that id. Needs catalog:write.
   * A page examines the next `first` products in id order (one kNN per photo, at most 20
   * neighbours each), so it may hold fewer groups than `first`, even none: follow
   * pageInfo.endCursor (after the last product examined) while hasNextPage. On Elasticsearch the
   * kNN is approximate (HNSW), so a pair it misses from the smaller id is not reported.
   */
  readonly nearDuplicateProducts: NearDuplicateConnection;
  /** One product by its catalog id, or null. */
  readonly product?: Maybe<Product>;
  /** Products by id, in the order asked, null for unknown ids. */
  readonly products: ReadonlyArray<Maybe<Product>>;
  /**
   * Rank products by an uploaded photo, by text, or by both. Returns one hit per product.
   * At least one of `image` and `text` is required.
   */
  readonly similarImages: SearchConnection;
};


export type QueryNearDuplicateProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  threshold?: InputMaybe<Scalars['Float']['input']>;
};


export type QueryProductArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProductsArgs = {
  ids: ReadonlyArray<Scalars['ID']['input']>;
};


export type QuerySimilarImagesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  collapseDuplicates?: InputMaybe<Scalars['Boolean']['input']>;
  diversity?: InputMaybe<Scalars['Float']['input']>;
  duplicateThreshold?: InputMaybe<Scalars['Float']['input']>;
  filter?: InputMaybe<ProductFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  fusion?: InputMaybe<FusionInput>;
  image?: InputMaybe<Scalars['Upload']['input']>;
  imageUrl?: InputMaybe<Scalars['String']['input']>;
  minScore?: InputMaybe<Scalars['Float']['input']>;
  popularityWeight?: InputMaybe<Scalars['Float']['input']>;
  priceBuckets?: InputMaybe<ReadonlyArray<Scalars['Float']['input']>>;
  recommend?: InputMaybe<RecommendInput>;
  similarTo?: InputMaybe<ReadonlyArray<ProductRefInput>>;
  sort?: InputMaybe<SearchSort>;
  text?: InputMaybe<Scalars['String']['input']>;
};

/**
 * Positive and negative examples. The query vector is q = normalise(2p - n) where p and n are the
 * weight-averaged normalised vectors of the positive and negative examples (q = normalise(p)
 * without negatives): Qdrant's average-vector strategy. A stored product's vector is the
 * normalised mean of its stored photo vectors (or the one photo ProductRefInput.imageId names);
 * photos and texts are embedded. Stored products in the examples, positive or negative, are
 * excluded from the results (pages stay full). At most SEARCH_MAX_EXAMPLES (default 16) examples
 * with similarTo; negatives need a positive (similarTo counts). Unknown products or images fail
 * with NOT_FOUND naming the example (details.argument, e.g. recommend.negative.0).
 */
export type RecommendInput = {
  readonly negative?: InputMaybe<ReadonlyArray<ExampleInput>>;
  readonly positive: ReadonlyArray<ExampleInput>;
};

export type RecordInteractionsPayload = {
  readonly __typename?: 'RecordInteractionsPayload';
  /** How many events were stored. */
  readonly recorded: Scalars['Int']['output'];
};

export type SearchConnection = {
  readonly __typename?: 'SearchConnection';
  readonly edges: ReadonlyArray<SearchEdge>;
  /**
   * Counts over the relevant set (standard disjunctive faceting), computed only when selected:
   * - categories: over the relevant set of the same query with the filter's category removed, so
   *   every other category shows what selecting it instead would give;
   * - prices: over the relevant set with the filter's minPrice and maxPrice removed;
   * - tags: over the relevant set itself (the whole filter), since tags narrow conjunctively.
   * Selecting a category or a price range narrows the next query's totalCount and other facets as
   * the filter implies and leaves that facet's own counts as they were; selecting a tag narrows
   * every count, tags included.
   */
  readonly facets: SearchFacets;
  readonly pageInfo: PageInfo;
  /**
   * How many products the relevant set holds: the products matching the filter, ranked within
   * the search depth (SEARCH_DEPTH, default 200) of every ranked list, whose score is at least
   * minScore, after near-duplicate collapse. Never more than the search depth. Computed only when
   * selected (it reads every list the whole depth).
   */
  readonly totalCount: Scalars['Int']['output'];
};

export type SearchEdge = {
  readonly __typename?: 'SearchEdge';
  readonly cursor: Scalars['String']['output'];
  readonly node: SearchHit;
};

export type SearchFacets = {
  readonly __typename?: 'SearchFacets';
  /** Most frequent first, then by value. */
  readonly categories: ReadonlyArray<FacetCount>;
  /** One per price bucket, in price order, including empty ones. */
  readonly prices: ReadonlyArray<PriceBucketCount>;
  /** Most frequent first, then by value. */
  readonly tags: ReadonlyArray<FacetCount>;
};

export type SearchHit = {
  readonly __typename?: 'SearchHit';
  /** Hits folded into this one by collapseDuplicates (empty otherwise), best first. */
  readonly duplicates: ReadonlyArray<Product>;
  /** The photo of this product that matched best (null when only keywords matched). */
  readonly matchedImage?: Maybe<ProductImage>;
  readonly product: Product;
  /**
   * Image-only searches: the cosine similarity of the best image (-1 to 1).
   * Text or image + text searches: the fused score (RRF or LINEAR).
   */
  readonly score: Scalars['Float']['output'];
};

export type SearchSort =
  /** Most recently indexed first (createdAt). */
  | 'NEWEST'
  | 'PRICE_ASC'
  | 'PRICE_DESC'
  | 'RELEVANCE';



export type ResolverTypeWrapper<T> = Promise<T> | T | Error;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeleteProductPayload: ResolverTypeWrapper<DeleteProductPayload>;
  ExampleInput: ExampleInput;
  FacetCount: ResolverTypeWrapper<FacetCount>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  FusionInput: FusionInput;
  FusionMode: FusionMode;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  IndexProductResult: ResolverTypeWrapper<Omit<IndexProductResult, 'product'> & { product?: Maybe<ResolversTypes['Product']> }>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  InteractionInput: InteractionInput;
  InteractionType: InteractionType;
  ItemError: ResolverTypeWrapper<ItemError>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  NearDuplicate: ResolverTypeWrapper<Omit<NearDuplicate, 'product'> & { product: ResolversTypes['Product'] }>;
  NearDuplicateConnection: ResolverTypeWrapper<Omit<NearDuplicateConnection, 'edges'> & { edges: ReadonlyArray<ResolversTypes['NearDuplicateEdge']> }>;
  NearDuplicateEdge: ResolverTypeWrapper<Omit<NearDuplicateEdge, 'node'> & { node: ResolversTypes['NearDuplicateGroup'] }>;
  NearDuplicateGroup: ResolverTypeWrapper<Omit<NearDuplicateGroup, 'duplicates' | 'product'> & { duplicates: ReadonlyArray<ResolversTypes['NearDuplicate']>, product: ResolversTypes['Product'] }>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PhotoInput: PhotoInput;
  PriceBucketCount: ResolverTypeWrapper<PriceBucketCount>;
  Product: ResolverTypeWrapper<DomainProduct>;
  ProductFilter: ProductFilter;
  ProductImage: ResolverTypeWrapper<DomainProductImage>;
  ProductInput: ProductInput;
  ProductPatch: ProductPatch;
  ProductRefInput: ProductRefInput;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RecommendInput: RecommendInput;
  RecordInteractionsPayload: ResolverTypeWrapper<RecordInteractionsPayload>;
  SearchConnection: ResolverTypeWrapper<Omit<SearchConnection, 'edges'> & { edges: ReadonlyArray<ResolversTypes['SearchEdge']> }>;
  SearchEdge: ResolverTypeWrapper<Omit<SearchEdge, 'node'> & { node: ResolversTypes['SearchHit'] }>;
  SearchFacets: ResolverTypeWrapper<SearchFacets>;
  SearchHit: ResolverTypeWrapper<LoadedHit>;
  SearchSort: SearchSort;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Upload: ResolverTypeWrapper<Scalars['Upload']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Boolean: Scalars['Boolean']['output'];
  DateTime: Scalars['DateTime']['output'];
  DeleteProductPayload: DeleteProductPayload;
  ExampleInput: ExampleInput;
  FacetCount: FacetCount;
  Float: Scalars['Float']['output'];
  FusionInput: FusionInput;
  ID: Scalars['ID']['output'];
  IndexProductResult: Omit<IndexProductResult, 'product'> & { product?: Maybe<ResolversParentTypes['Product']> };
  Int: Scalars['Int']['output'];
  InteractionInput: InteractionInput;
  ItemError: ItemError;
  Mutation: Record<PropertyKey, never>;
  NearDuplicate: Omit<NearDuplicate, 'product'> & { product: ResolversParentTypes['Product'] };
  NearDuplicateConnection: Omit<NearDuplicateConnection, 'edges'> & { edges: ReadonlyArray<ResolversParentTypes['NearDuplicateEdge']> };
  NearDuplicateEdge: Omit<NearDuplicateEdge, 'node'> & { node: ResolversParentTypes['NearDuplicateGroup'] };
  NearDuplicateGroup: Omit<NearDuplicateGroup, 'duplicates' | 'product'> & { duplicates: ReadonlyArray<ResolversParentTypes['NearDuplicate']>, product: ResolversParentTypes['Product'] };
  PageInfo: PageInfo;
  PhotoInput: PhotoInput;
  PriceBucketCount: PriceBucketCount;
  Product: DomainProduct;
  ProductFilter: ProductFilter;
  ProductImage: DomainProductImage;
  ProductInput: ProductInput;
  ProductPatch: ProductPatch;
  ProductRefInput: ProductRefInput;
  Query: Record<PropertyKey, never>;
  RecommendInput: RecommendInput;
  RecordInteractionsPayload: RecordInteractionsPayload;
  SearchConnection: Omit<SearchConnection, 'edges'> & { edges: ReadonlyArray<ResolversParentTypes['SearchEdge']> };
  SearchEdge: Omit<SearchEdge, 'node'> & { node: ResolversParentTypes['SearchHit'] };
  SearchFacets: SearchFacets;
  SearchHit: LoadedHit;
  String: Scalars['String']['output'];
  Upload: Scalars['Upload']['output'];
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeleteProductPayloadResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['DeleteProductPayload'] = ResolversParentTypes['DeleteProductPayload']> = {
  deleted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type FacetCountResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['FacetCount'] = ResolversParentTypes['FacetCount']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type IndexProductResultResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['IndexProductResult'] = ResolversParentTypes['IndexProductResult']> = {
  error?: Resolver<Maybe<ResolversTypes['ItemError']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  index?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
};

export type ItemErrorResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ItemError'] = ResolversParentTypes['ItemError']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  addProductPhotos?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationAddProductPhotosArgs, 'id' | 'photos'>>;
  deleteProduct?: Resolver<ResolversTypes['DeleteProductPayload'], ParentType, ContextType, RequireFields<MutationDeleteProductArgs, 'id'>>;
  indexProduct?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationIndexProductArgs, 'input'>>;
  indexProducts?: Resolver<ReadonlyArray<ResolversTypes['IndexProductResult']>, ParentType, ContextType, RequireFields<MutationIndexProductsArgs, 'inputs'>>;
  recordInteractions?: Resolver<ResolversTypes['RecordInteractionsPayload'], ParentType, ContextType, RequireFields<MutationRecordInteractionsArgs, 'events'>>;
  removeProductPhotos?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationRemoveProductPhotosArgs, 'id' | 'imageIds'>>;
  updateProduct?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationUpdateProductArgs, 'id' | 'patch'>>;
};

export type NearDuplicateResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['NearDuplicate'] = ResolversParentTypes['NearDuplicate']> = {
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  similarity?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type NearDuplicateConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['NearDuplicateConnection'] = ResolversParentTypes['NearDuplicateConnection']> = {
  edges?: Resolver<ReadonlyArray<ResolversTypes['NearDuplicateEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type NearDuplicateEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['NearDuplicateEdge'] = ResolversParentTypes['NearDuplicateEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['NearDuplicateGroup'], ParentType, ContextType>;
};

export type NearDuplicateGroupResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['NearDuplicateGroup'] = ResolversParentTypes['NearDuplicateGroup']> = {
  duplicates?: Resolver<ReadonlyArray<ResolversTypes['NearDuplicate']>, ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type PriceBucketCountResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['PriceBucketCount'] = ResolversParentTypes['PriceBucketCount']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  max?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  min?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type ProductResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = {
  category?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  images?: Resolver<ReadonlyArray<ResolversTypes['ProductImage']>, ParentType, ContextType>;
  inStock?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  modelId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  price?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  similar?: Resolver<Maybe<ResolversTypes['SearchConnection']>, ParentType, ContextType, Partial<ProductSimilarArgs>>;
  tags?: Resolver<ReadonlyArray<ResolversTypes['String']>, ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type ProductImageResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['ProductImage'] = ResolversParentTypes['ProductImage']> = {
  contentSha256?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  filename?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  nearDuplicateProducts?: Resolver<ResolversTypes['NearDuplicateConnection'], ParentType, ContextType, RequireFields<QueryNearDuplicateProductsArgs, 'threshold'>>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType, RequireFields<QueryProductArgs, 'id'>>;
  products?: Resolver<ReadonlyArray<Maybe<ResolversTypes['Product']>>, ParentType, ContextType, RequireFields<QueryProductsArgs, 'ids'>>;
  similarImages?: Resolver<ResolversTypes['SearchConnection'], ParentType, ContextType, Partial<QuerySimilarImagesArgs>>;
};

export type RecordInteractionsPayloadResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['RecordInteractionsPayload'] = ResolversParentTypes['RecordInteractionsPayload']> = {
  recorded?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SearchConnectionResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['SearchConnection'] = ResolversParentTypes['SearchConnection']> = {
  edges?: Resolver<ReadonlyArray<ResolversTypes['SearchEdge']>, ParentType, ContextType>;
  facets?: Resolver<ResolversTypes['SearchFacets'], ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SearchEdgeResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['SearchEdge'] = ResolversParentTypes['SearchEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['SearchHit'], ParentType, ContextType>;
};

export type SearchFacetsResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['SearchFacets'] = ResolversParentTypes['SearchFacets']> = {
  categories?: Resolver<ReadonlyArray<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  prices?: Resolver<ReadonlyArray<ResolversTypes['PriceBucketCount']>, ParentType, ContextType>;
  tags?: Resolver<ReadonlyArray<ResolversTypes['FacetCount']>, ParentType, ContextType>;
};

export type SearchHitResolvers<ContextType = GraphqlContext, ParentType extends ResolversParentTypes['SearchHit'] = ResolversParentTypes['SearchHit']> = {
  duplicates?: Resolver<ReadonlyArray<ResolversTypes['Product']>, ParentType, ContextType>;
  matchedImage?: Resolver<Maybe<ResolversTypes['ProductImage']>, ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export interface UploadScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Upload'], any> {
  name: 'Upload';
}

export type Resolvers<ContextType = GraphqlContext> = {
  DateTime?: GraphQLScalarType;
  DeleteProductPayload?: DeleteProductPayloadResolvers<ContextType>;
  FacetCount?: FacetCountResolvers<ContextType>;
  IndexProductResult?: IndexProductResultResolvers<ContextType>;
  ItemError?: ItemErrorResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  NearDuplicate?: NearDuplicateResolvers<ContextType>;
  NearDuplicateConnection?: NearDuplicateConnectionResolvers<ContextType>;
  NearDuplicateEdge?: NearDuplicateEdgeResolvers<ContextType>;
  NearDuplicateGroup?: NearDuplicateGroupResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PriceBucketCount?: PriceBucketCountResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductImage?: ProductImageResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RecordInteractionsPayload?: RecordInteractionsPayloadResolvers<ContextType>;
  SearchConnection?: SearchConnectionResolvers<ContextType>;
  SearchEdge?: SearchEdgeResolvers<ContextType>;
  SearchFacets?: SearchFacetsResolvers<ContextType>;
  SearchHit?: SearchHitResolvers<ContextType>;
  Upload?: GraphQLScalarType;
};

