import type { Product, ProductDocument } from '../domain/product';
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
 * Where products and their image vectors live. One contract test suite
 * (test/contract/product-index.contract.ts) runs against every adapter.
 *
 * Invariants:
 * - An index is bound to one model id and its dims. `open()` creates what is missing and
 *   throws DimensionMismatchError when existing data was made with other dims, and
 *   ModelMismatchError when it was made by another model with the same dims.
 * - `upsert` replaces the whole product (fields and images) atomically; once it resolves the
 *   write is durable and visible to searches. A rejected upsert changes nothing.
 * - `searchVector` is a pre-filtered kNN over image vectors that returns at most one hit per
 *   product (its most similar image), ordered by similarity descending, ties by productId
 *   ascending. A filtered page is never short because of filtering.
 * - `searchKeyword` ranks by BM25 over title and description with the same filter, ordered by
 *   score descending, ties by productId ascending. Text with no searchable terms yields [].
 * - `getMany` returns one entry per id, in order, null for an unknown id.
 * - A vector (in a document or a query) whose length is not the bound dims is rejected with
 *   DimensionMismatchError, and a rejected upsert leaves the old product unchanged.
 * - After `close()`, calls reject with IndexUnavailableError; a second `close()` is a no-op.
 * - Outages throw IndexUnavailableError; nothing vendor-specific escapes.
 */
export interface ProductIndex {
  /** 'sqlite' or 'elasticsearch', for logs and /readyz. */
  readonly kind: string;
  open(): Promise<void>;
  upsert(doc: ProductDocument): Promise<void>;
  /** Resolves true when the product existed. */
  delete(productId: string): Promise<boolean>;
  getMany(productIds: readonly string[]): Promise<Array<Product | null>>;
  searchVector(query: VectorQuery): Promise<VectorHit[]>;
  searchKeyword(query: KeywordQuery): Promise<KeywordHit[]>;
  count(): Promise<number>;
  /** Throws IndexUnavailableError when the backend cannot serve. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What every adapter is constructed with, besides its own connection settings. */
export interface ProductIndexBinding {
  readonly modelId: string;
  readonly dims: number;
}
