import type { ProductDocument } from '../../../../../src/domain/product';
import type { ProductFilter } from '../../../../../src/domain/search';
import type { VectorQuery } from '../../../../../src/ports/product-index.port';
import { SearchService } from '../../../../../src/services/search/search.service';
import { InMemoryProductIndex } from '../../../../fakes/in-memory-product-index';
import { RecordingEmbedder } from '../../../../fakes/recording-embedder';
import {
  makeProduct,
  normalize,
  seededRandom,
  vectorWithSimilarity,
} from '../../../../helpers/product-fixtures';
import { searchLimits } from '../../../../helpers/search-limits';

/** RecordingEmbedder embeds these bytes along axis 0: the query every test here searches with. */
export const QUERY_PHOTO = new Uint8Array([0]);
export const DIMS = 4;
export const CATEGORIES = ['shoes', 'bags', 'hats'] as const;
const TAGS = ['sale', 'new', 'eco'] as const;

/** An in-memory index that counts the reads the shaping stages make. */
export class CountingIndex extends InMemoryProductIndex {
  readonly getManyIds: number[] = [];
  readonly vectorReads: number[] = [];
  readonly knnQueries: VectorQuery[] = [];

  override getMany(ids: readonly string[]) {
    this.getManyIds.push(ids.length);
    return super.getMany(ids);
  }
  override getImageVectors(ids: readonly string[]) {
    this.vectorReads.push(ids.length);
    return super.getImageVectors(ids);
  }
  override searchVector(query: VectorQuery) {
    this.knnQueries.push(query);
    return super.searchVector(query);
  }
}

/** 40 products with spread-out similarities to axis 0 and varied fields, from a seed. */
export function catalog(seed = 7): ProductDocument[] {
  const random = seededRandom(seed);
  return Array.from({ length: 40 }, (_, i) => {
    const similarity = 0.95 - i * 0.02;
    const tags = TAGS.filter(() => random() < 0.5);
    const doc = makeProduct({
      id: `p${String(i).padStart(2, '0')}`,
      vectors: [vectorWithSimilarity(DIMS, similarity, random)],
      category: CATEGORIES[Math.floor(random() * 3)] as string,
      price: Math.round(random() * 600 * 100) / 100,
      tags,
    });
    const createdAt = new Date(Date.UTC(2025, 0, 1 + Math.floor(random() * 300))).toISOString();
    return { ...doc, createdAt };
  });
}

export async function serviceWith(
  docs: readonly ProductDocument[],
  overrides: Parameters<typeof searchLimits>[0] = {},
) {
  const index = new CountingIndex({ modelId: 'fake-model', dims: DIMS });
  await index.open();
  await index.upsertMany(docs);
  const service = new SearchService(
    new RecordingEmbedder(),
    index,
    searchLimits({ priceBuckets: [0, 25, 50, 100, 250, 500], ...overrides }),
  );
  return { index, service };
}

/** Brute force: does the product match the filter (the same rules as the port's). */
export function matches(doc: ProductDocument, f: ProductFilter): boolean {
  return (
    (f.category === undefined || doc.category === f.category) &&
    (f.minPrice === undefined || doc.price >= f.minPrice) &&
    (f.maxPrice === undefined || doc.price <= f.maxPrice) &&
    (f.inStock === undefined || doc.inStock === f.inStock) &&
    (f.tags ?? []).every((tag) => doc.tags.includes(tag))
  );
}

/** Cosine with the query (axis 0) of a product's first photo. */
export function similarity(doc: ProductDocument): number {
  return doc.images[0]?.vector[0] ?? 0;
}

export function unit(values: number[]): Float32Array {
  return normalize(values);
}
