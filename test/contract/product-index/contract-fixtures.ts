/**
 * What every ProductIndex contract file shares: the harness an adapter's suite provides, the
 * per-test context, and reference implementations the assertions compare against. Assertions
 * are relationships any correct backend keeps: exact orders only where the fixtures leave gaps
 * wide enough for quantised vectors, BM25 orders only where any BM25 agrees, error codes rather
 * than messages.
 */
import type { ProductDocument } from '../../../src/domain/product';
import type { ProductFilter, VectorHit } from '../../../src/domain/search';
import type { ProductIndex, ProductIndexBinding } from '../../../src/ports/product-index.port';
import {
  axisVector,
  cosine,
  makeProduct,
  seededRandom,
  vectorWithSimilarity,
} from '../../helpers/product-fixtures';

export interface ProductIndexHarness {
  /** A new, unopened adapter over fresh, empty storage. The suite opens and closes it. */
  create(binding: ProductIndexBinding): Promise<ProductIndex>;
  /** A new, unopened adapter over the storage of the latest create(); omit if meaningless. */
  reopen?(binding: ProductIndexBinding): Promise<ProductIndex>;
  /** Removes all storage made by create(); runs after each test, once adapters are closed. */
  cleanup(): Promise<void>;
  /** How far a reported similarity may stray from exact cosine (quantised backends). */
  readonly similarityTolerance?: number;
}

/** What each contract file gets: the harness and the opened adapter of the running test. */
export interface ContractContext {
  readonly harness: ProductIndexHarness;
  /** The adapter the current test starts with, opened over fresh storage. */
  readonly index: ProductIndex;
  /** Opens another adapter; the suite closes it after the test. */
  opened(adapter: Promise<ProductIndex>): Promise<ProductIndex>;
  /** Closes this adapter after the test (for adapters a test never manages to open). */
  track(adapter: ProductIndex): void;
  /** Asserts the same products and images in the same order, similarities within tolerance. */
  expectHits(actual: VectorHit[], expected: VectorHit[]): void;
}

export const CONTRACT_DIMS = 16;
export const CONTRACT_BINDING: ProductIndexBinding = {
  modelId: 'contract-model',
  dims: CONTRACT_DIMS,
};
export const QUERY = axisVector(CONTRACT_DIMS, 0);

/** One upsert at a time, in order (what a caller without upsertMany does). */
export async function upsertAll(
  index: ProductIndex,
  docs: readonly ProductDocument[],
): Promise<void> {
  for (const doc of docs) await index.upsert(doc);
}

export function matches(doc: ProductDocument, f: ProductFilter): boolean {
  return (
    (f.category === undefined || doc.category === f.category) &&
    (f.minPrice === undefined || doc.price >= f.minPrice) &&
    (f.maxPrice === undefined || doc.price <= f.maxPrice) &&
    (f.inStock === undefined || doc.inStock === f.inStock) &&
    (f.tags ?? []).every((tag) => doc.tags.includes(tag))
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reference kNN: best image per product by exact cosine, filter applied first. */
export function bruteForce(
  docs: readonly ProductDocument[],
  vector: Float32Array,
  filter: ProductFilter,
  k: number,
): VectorHit[] {
  const hits = docs
    .filter((doc) => matches(doc, filter) && doc.images.length > 0)
    .map((doc) => {
      const scored = doc.images.map((image) => ({ image, s: cosine(image.vector, vector) }));
      const best = scored.reduce((a, b) => (b.s > a.s ? b : a));
      return { productId: doc.id, imageId: best.image.id, similarity: best.s };
    });
  hits.sort((a, b) => b.similarity - a.similarity || cmp(a.productId, b.productId));
  return hits.slice(0, k);
}

/** A varied catalog whose best similarities to QUERY are 0.04 apart (wide enough for int8). */
export function catalog(): ProductDocument[] {
  const random = seededRandom(7);
  const categories = ['shoes', 'bags', 'hats'];
  const tagSets = [['red'], ['red', 'sale'], ['sale'], [], ['red', 'sale', 'new']];
  return Array.from({ length: 24 }, (_, n) => {
    const best = 0.97 - n * 0.04;
    const images = Array.from({ length: 1 + (n % 3) }, (_, i) =>
      vectorWithSimilarity(CONTRACT_DIMS, best - i * 0.3, random),
    );
    // Put the best image at a varying position so "first image" is never the right answer.
    images.reverse();
    return makeProduct({
      id: `p${String((n * 7) % 24).padStart(2, '0')}`,
      vectors: images,
      category: categories[n % 3] as string,
      price: 10 + (n % 6) * 5,
      tags: tagSets[n % 5] as string[],
      inStock: n % 4 !== 0,
    });
  });
}
