import type { Logger } from 'pino';
import type DataLoader from 'dataloader';
import type { Product } from '../domain/product';
import type { AccessService, Principal } from '../services/access/access.service';
import type { FeedbackService } from '../services/feedback/feedback.service';
import type { NearDuplicatesService } from '../services/catalog/near-duplicates.service';
import type { IndexingService } from '../services/indexing/indexing.service';
import type { SearchService } from '../services/search/search.service';
import { createProductLoader } from './loaders/product-loader';

/** The services the GraphQL layer calls; the composition root's App satisfies it. */
export interface GraphqlServices {
  readonly search: Pick<SearchService, 'search'>;
  readonly indexing: Pick<
    IndexingService,
    | 'indexProduct'
    | 'indexProducts'
    | 'updateProduct'
    | 'addProductPhotos'
    | 'removeProductPhotos'
    | 'deleteProduct'
    | 'getProducts'
  >;
  readonly access: Pick<AccessService, 'authenticate' | 'authorise'>;
  readonly feedback: Pick<FeedbackService, 'record'>;
  readonly nearDuplicates: Pick<NearDuplicatesService, 'find'>;
}

/** Limits the transport enforces before anything reaches a service. */
export interface GraphqlLimits {
  readonly maxUploadBytes: number;
  /** Product.similar fields (one search each) one operation may resolve (GRAPHQL_MAX_SIMILAR). */
  readonly maxSimilar: number;
}

/** Built fresh for every request, so DataLoader caches never outlive one request. */
export interface GraphqlContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly services: GraphqlServices;
  readonly limits: GraphqlLimits;
  /** Who sent the request (its API key, checked once); authPlugin enforces it per root field. */
  readonly principal: Principal;
  readonly productLoader: DataLoader<string, Product | null>;
  /** How many Product.similar searches this request has started (see GraphqlLimits.maxSimilar). */
  readonly similarSearches: { count: number };
}

export function createGraphqlContext(args: {
  readonly requestId: string;
  readonly logger: Logger;
  readonly services: GraphqlServices;
  readonly limits: GraphqlLimits;
  readonly principal: Principal;
}): GraphqlContext {
  return {
    ...args,
    productLoader: createProductLoader(args.services.indexing),
    similarSearches: { count: 0 },
  };
}
