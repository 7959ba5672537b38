import type {
  ImageVector,
  Product,
  ProductDocument,
  ProductPatch,
  StoredPhotoVector,
} from '../domain/product';
import type { AppError } from '../errors/app-error';
import type { KeywordHit, ProductFilter, VectorHit } from '../domain/search';

export interface VectorQuery {
  /** L2-normalised, length = the index's dims. */
  readonly vector: Float32Array;
  readonly filter: ProductFilter;
  /** How many products to return at most. */
  readonly k: number;
  /** Drop products whose best image is less similar than this (cosine). */
  readonly minSimilarity?: number;
}

export interface KeywordQuery {
  readonly text: string;
  readonly filter: ProductFilter;
  readonly k: number;
}

/**
 * One entry per document given to `upsertMany`, in the same order: null when the product was
 * written, the AppError that refused it otherwise (DataLoader style: one bad document fails alone).
 */
export type UpsertOutcome = AppError | null;

/**
 * Where products and their image vectors live. One contract test suite
 * (test/contract/product-index/, composed by `describeProductIndexContract`) runs against every
 * adapter and against the in-memory fake.
 *
 * Invariants:
 * - An index is bound to one model id and its dims. `open()` creates what is missing and
 *   throws DimensionMismatchError when existing data was made with other dims, and
 *   ModelMismatchError when it was made by another model with the same dims.
 * - `upsert` replaces the whole product (fields and images) atomically; once it resolves the
 *   write is durable and visible to searches. A rejected upsert changes nothing.
 * - `upsertMany` is `upsert` for many documents in one backend write (one SQLite transaction,
 *   one Elasticsearch `_bulk`). It resolves with one UpsertOutcome per document, in order: a
 *   document that is refused (wrong dims, a value the backend cannot take) fails alone and
 *   leaves its old product unchanged; every document whose outcome is null is durable and
 *   visible once the call resolves. When a document id repeats, the last one wins. It rejects
 *   only when the whole write fails (outage, timeout, closed index); then each document may or
 *   may not have been written, and sending them again is safe (an upsert replaces).
 * - `searchVector` is a pre-filtered kNN over image vectors that returns at most one hit per
 *   product (its most similar image), ordered by similarity descending, ties by productId
 *   ascending. A filtered page is never short because of filtering.
 * - `searchKeyword` ranks by BM25 over title and description with the same filter, ordered by
 *   score descending, ties by productId ascending. Text with no searchable terms yields [].
 * - `getMany` returns one entry per id, in order, null for an unknown id; never vectors.
 * - `getImageVectors` returns one entry per id, in order, null for an unknown id, else the
 *   product's image vectors in position order: each exactly (bit for bit) the L2-normalised
 *   vector last written for that image, a new Float32Array of the bound dims.
 * - A vector (in a document or a query) whose length is not the bound dims is rejected with
 *   DimensionMismatchError, and a rejected upsert leaves the old product unchanged.
 * - `updateFields` changes only the given catalog fields (and updatedAt) of one product, in one
 *   atomic write, never touching its images or vectors; once it resolves the change is durable
 *   and visible to searches (keyword search sees the new text at once). It resolves with the
 *   updated product, or null (and writes nothing) for an unknown id.
 * - `findVectorsBySha256` returns one entry per hash, in order: the stored vector (bit for bit),
 *   width and height of some image whose bytes had that sha256, or null when no stored product
 *   has such an image. An index is bound to one model, so a hit is a vector of that model.
 *   It sees every write that has resolved. It also serves as a reference check: null means no
 *   product references those bytes any more.
 * - `listProductIds(afterId, limit)` pages through every stored product id in ascending order
 *   of their UTF-8 bytes: at most `limit` ids strictly after `afterId` (from the first when
 *   undefined). It sees every write that has resolved.
 * - After `close()`, calls reject with IndexUnavailableError; a second `close()` is a no-op.
 * - Outages throw IndexUnavailableError; nothing vendor-specific escapes.
 */
export interface ProductIndex {
  /** 'sqlite' or 'elasticsearch', for logs and /readyz. */
  readonly kind: string;
  open(): Promise<void>;
  upsert(doc: ProductDocument): Promise<void>;
  /** Many products in one backend write; one outcome per document, in order (see above). */
  upsertMany(docs: readonly ProductDocument[]): Promise<UpsertOutcome[]>;
  /** Resolves true when the product existed. */
  delete(productId: string): Promise<boolean>;
  getMany(productIds: readonly string[]): Promise<Array<Product | null>>;
  /** The stored image vectors of each product, in position order; null for an unknown id. */
  getImageVectors(productIds: readonly string[]): Promise<Array<ImageVector[] | null>>;
  /** Changes some fields of one product, images untouched; null for an unknown id. */
  updateFields(productId: string, patch: ProductPatch, updatedAt: string): Promise<Product | null>;
  /** A stored vector per content sha256 (hex), in order; null where no image has those bytes. */
  findVectorsBySha256(sha256s: readonly string[]): Promise<Array<StoredPhotoVector | null>>;
  searchVector(query: VectorQuery): Promise<VectorHit[]>;
  searchKeyword(query: KeywordQuery): Promise<KeywordHit[]>;
  /** Up to `limit` product ids after `afterId`, ascending by UTF-8 bytes (see above). */
  listProductIds(afterId: string | undefined, limit: number): Promise<string[]>;
  /** Throws IndexUnavailableError when the backend cannot serve. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What every adapter is constructed with, besides its own connection settings. */
export interface ProductIndexBinding {
  readonly modelId: string;
  readonly dims: number;
}
