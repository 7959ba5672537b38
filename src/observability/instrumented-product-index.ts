/**
 * ProductIndex decorator that times every call to the backend (SQLite or Elasticsearch) per
 * method and outcome. Composed in app.ts around whichever adapter config picked.
 */
import type {
  ImageVector,
  Product,
  ProductDocument,
  ProductPatch,
  StoredPhotoVector,
} from '../domain/product';
import type { KeywordHit, VectorHit } from '../domain/search';
import type {
  KeywordQuery,
  ProductIndex,
  UpsertOutcome,
  VectorQuery,
} from '../ports/product-index.port';
import type { BackendObserver } from './metrics';

export class InstrumentedProductIndex implements ProductIndex {
  constructor(
    private readonly inner: ProductIndex,
    private readonly observer: BackendObserver,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }

  private async timed<T>(method: string, call: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    let outcome: 'success' | 'error' = 'error';
    try {
      const result = await call();
      outcome = 'success';
      return result;
    } finally {
      this.observer.call(method, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  open(): Promise<void> {
    return this.timed('open', () => this.inner.open());
  }
  upsert(doc: ProductDocument): Promise<void> {
    return this.timed('upsert', () => this.inner.upsert(doc));
  }
  upsertMany(docs: readonly ProductDocument[]): Promise<UpsertOutcome[]> {
    return this.timed('upsertMany', () => this.inner.upsertMany(docs));
  }
  delete(productId: string): Promise<boolean> {
    return this.timed('delete', () => this.inner.delete(productId));
  }
  getMany(productIds: readonly string[]): Promise<Array<Product | null>> {
    return this.timed('getMany', () => this.inner.getMany(productIds));
  }
  getImageVectors(productIds: readonly string[]): Promise<Array<ImageVector[] | null>> {
    return this.timed('getImageVectors', () => this.inner.getImageVectors(productIds));
  }
  updateFields(productId: string, patch: ProductPatch, updatedAt: string): Promise<Product | null> {
    return this.timed('updateFields', () => this.inner.updateFields(productId, patch, updatedAt));
  }
  findVectorsBySha256(sha256s: readonly string[]): Promise<Array<StoredPhotoVector | null>> {
    return this.timed('findVectorsBySha256', () => this.inner.findVectorsBySha256(sha256s));
  }
  searchVector(query: VectorQuery): Promise<VectorHit[]> {
    return this.timed('searchVector', () => this.inner.searchVector(query));
  }
  searchKeyword(query: KeywordQuery): Promise<KeywordHit[]> {
    return this.timed('searchKeyword', () => this.inner.searchKeyword(query));
  }
  listProductIds(afterId: string | undefined, limit: number): Promise<string[]> {
    return this.timed('listProductIds', () => this.inner.listProductIds(afterId, limit));
  }
  ping(): Promise<void> {
    return this.timed('ping', () => this.inner.ping());
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
