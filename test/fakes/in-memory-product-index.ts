import type {
  ImageVector,
  ImageWithVector,
  Product,
  ProductDocument,
  ProductPatch,
  StoredPhotoVector,
} from '../../src/domain/product';
import type { KeywordHit, ProductFilter, VectorHit } from '../../src/domain/search';
import { DimensionMismatchError, IndexUnavailableError } from '../../src/errors/app-error';
import type {
  KeywordQuery,
  ProductIndex,
  ProductIndexBinding,
  UpsertOutcome,
  VectorQuery,
} from '../../src/ports/product-index.port';
import { bm25 } from './in-memory-bm25';

/** What survives close() and reopen: hand the same store to a new index to "restart" it. */
export class InMemoryStore {
  binding: ProductIndexBinding | undefined;
  readonly products = new Map<string, ProductDocument>();
}

function copyDocument(doc: ProductDocument): ProductDocument {
  const images: ImageWithVector[] = [...doc.images]
    .sort((a, b) => a.position - b.position)
    .map((image) => ({ ...image, vector: Float32Array.from(image.vector) }));
  return { ...doc, tags: [...doc.tags], images };
}

function matches(doc: ProductDocument, f: ProductFilter): boolean {
  return (
    (f.category === undefined || doc.category === f.category) &&
    (f.minPrice === undefined || doc.price >= f.minPrice) &&
    (f.maxPrice === undefined || doc.price <= f.maxPrice) &&
    (f.inStock === undefined || doc.inStock === f.inStock) &&
    (f.tags ?? []).every((tag) => doc.tags.includes(tag))
  );
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function byScoreThenId<T extends { productId: string }>(score: (item: T) => number) {
  return (a: T, b: T): number =>
    score(b) - score(a) || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0);
}

/**
 * A ProductIndex in a Map: exact kNN by brute force, BM25 by in-memory-bm25.ts. It passes the
 * ProductIndex contract itself (test/contract/in-memory.contract.test.ts), so tests of services
 * can rely on it behaving like a real backend, without files, threads or a cluster.
 */
export class InMemoryProductIndex implements ProductIndex {
  readonly kind = 'memory';
  private opened = false;

  constructor(
    private readonly binding: ProductIndexBinding,
    readonly store = new InMemoryStore(),
  ) {}

  async open(): Promise<void> {
    const bound = this.store.binding;
    if (
      bound !== undefined &&
      (bound.dims !== this.binding.dims || bound.modelId !== this.binding.modelId)
    ) {
      throw new DimensionMismatchError('The store was made by another model', {
        expectedDims: bound.dims,
        actualDims: this.binding.dims,
      });
    }
    this.store.binding = { ...this.binding };
    this.opened = true;
  }

  async upsert(doc: ProductDocument): Promise<void> {
    const [outcome] = await this.upsertMany([doc]);
    if (outcome) throw outcome;
  }

  async upsertMany(docs: readonly ProductDocument[]): Promise<UpsertOutcome[]> {
    this.checkOpen('upsertMany');
    return docs.map((doc) => {
      const wrong = doc.images.find((image) => image.vector.length !== this.binding.dims);
      if (wrong !== undefined) {
        return new DimensionMismatchError("An image vector does not have the index's dims", {
          productId: doc.id,
          imageId: wrong.id,
          expectedDims: this.binding.dims,
          actualDims: wrong.vector.length,
        });
      }
      this.store.products.set(doc.id, copyDocument(doc));
      return null;
    });
  }

  async delete(productId: string): Promise<boolean> {
    this.checkOpen('delete');
    return this.store.products.delete(productId);
  }

  async getMany(productIds: readonly string[]): Promise<Array<Product | null>> {
    this.checkOpen('getMany');
    return productIds.map((id) => {
      const doc = this.store.products.get(id);
      if (doc === undefined) return null;
      const images = doc.images.map(({ vector: _vector, ...image }) => image);
      return { ...doc, tags: [...doc.tags], images };
    });
  }

  async getImageVectors(productIds: readonly string[]): Promise<Array<ImageVector[] | null>> {
    this.checkOpen('getImageVectors');
    return productIds.map(
      (id) =>
        this.store.products.get(id)?.images.map((image) => ({
          imageId: image.id,
          vector: Float32Array.from(image.vector),
        })) ?? null,
    );
  }

  async updateFields(
    productId: string,
    patch: ProductPatch,
    updatedAt: string,
  ): Promise<Product | null> {
    this.checkOpen('updateFields');
    const doc = this.store.products.get(productId);
    if (doc === undefined) return null;
    const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    this.store.products.set(productId, copyDocument({ ...doc, ...given, updatedAt }));
    const [product] = await this.getMany([productId]);
    return product ?? null;
  }

  async findVectorsBySha256(sha256s: readonly string[]): Promise<Array<StoredPhotoVector | null>> {
    this.checkOpen('findVectorsBySha256');
    const found = new Map<string, StoredPhotoVector>();
    for (const doc of this.store.products.values()) {
      for (const image of doc.images) {
        const { width, height } = image;
        found.set(image.contentSha256, { vector: Float32Array.from(image.vector), width, height });
      }
    }
    return sha256s.map((hash) => {
      const hit = found.get(hash);
      return hit === undefined ? null : { ...hit, vector: Float32Array.from(hit.vector) };
    });
  }

  async searchVector(query: VectorQuery): Promise<VectorHit[]> {
    this.checkOpen('searchVector');
    if (query.vector.length !== this.binding.dims) {
      throw new DimensionMismatchError("The query vector does not have the index's dims", {
        expectedDims: this.binding.dims,
        actualDims: query.vector.length,
      });
    }
    const hits: VectorHit[] = [];
    for (const doc of this.store.products.values()) {
      if (!matches(doc, query.filter)) continue;
      let best: VectorHit | undefined;
      for (const image of doc.images) {
        const similarity = dot(image.vector, query.vector);
        if (best === undefined || similarity > best.similarity) {
          best = { productId: doc.id, imageId: image.id, similarity };
        }
      }
      if (best !== undefined && best.similarity >= (query.minSimilarity ?? -Infinity)) {
        hits.push(best);
      }
    }
    return hits.sort(byScoreThenId((hit) => hit.similarity)).slice(0, Math.max(0, query.k));
  }

  async searchKeyword(query: KeywordQuery): Promise<KeywordHit[]> {
    this.checkOpen('searchKeyword');
    const docs = [...this.store.products.values()];
    const hits: KeywordHit[] = [];
    for (const [productId, score] of bm25(docs, query.text)) {
      const doc = this.store.products.get(productId) as ProductDocument;
      if (matches(doc, query.filter)) hits.push({ productId, score });
    }
    return hits.sort(byScoreThenId((hit) => hit.score)).slice(0, Math.max(0, query.k));
  }

  async listProductIds(afterId: string | undefined, limit: number): Promise<string[]> {
    this.checkOpen('listProductIds');
    const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    return [...this.store.products.keys()]
      .filter((id) => afterId === undefined || byBytes(id, afterId) > 0)
      .sort(byBytes)
      .slice(0, Math.max(0, limit));
  }

  async ping(): Promise<void> {
    this.checkOpen('ping');
  }

  async close(): Promise<void> {
    this.opened = false;
  }

  private checkOpen(operation: string): void {
    if (!this.opened) {
      throw new IndexUnavailableError('The in-memory index is not open', {
        operation,
        reason: 'CLOSED',
      });
    }
  }
}
