import type {
  ImageVector,
  Product,
  ProductDocument,
  StoredPhotoVector,
} from '../../src/domain/product';
import type { KeywordHit, VectorHit } from '../../src/domain/search';
import type {
  KeywordQuery,
  ProductIndex,
  UpsertOutcome,
  VectorQuery,
} from '../../src/ports/product-index.port';

/** Returns scripted ranked lists and records every call. */
export class ScriptedIndex implements ProductIndex {
  readonly kind = 'scripted';
  readonly vectorQueries: VectorQuery[] = [];
  readonly keywordQueries: KeywordQuery[] = [];
  readonly upserts: ProductDocument[] = [];
  readonly getManyCalls: string[][] = [];
  products = new Map<string, Product>();
  imageVectors = new Map<string, ImageVector[]>();

  constructor(
    public vectorHits: VectorHit[] = [],
    public keywordHits: KeywordHit[] = [],
  ) {}

  open(): Promise<void> {
    return Promise.resolve();
  }
  upsert(doc: ProductDocument): Promise<void> {
    this.upserts.push(doc);
    return Promise.resolve();
  }
  upsertMany(docs: readonly ProductDocument[]): Promise<UpsertOutcome[]> {
    this.upserts.push(...docs);
    return Promise.resolve(docs.map(() => null));
  }
  delete(productId: string): Promise<boolean> {
    return Promise.resolve(this.products.delete(productId));
  }
  getMany(ids: readonly string[]): Promise<Array<Product | null>> {
    this.getManyCalls.push([...ids]);
    return Promise.resolve(ids.map((id) => this.products.get(id) ?? null));
  }
  getImageVectors(ids: readonly string[]): Promise<Array<ImageVector[] | null>> {
    return Promise.resolve(ids.map((id) => this.imageVectors.get(id) ?? null));
  }
  updateFields(id: string): Promise<Product | null> {
    return Promise.resolve(this.products.get(id) ?? null);
  }
  findVectorsBySha256(sha256s: readonly string[]): Promise<Array<StoredPhotoVector | null>> {
    return Promise.resolve(sha256s.map(() => null));
  }
  searchVector(query: VectorQuery): Promise<VectorHit[]> {
    this.vectorQueries.push(query);
    const min = query.minSimilarity ?? -Infinity;
    return Promise.resolve(this.vectorHits.filter((h) => h.similarity >= min).slice(0, query.k));
  }
  searchKeyword(query: KeywordQuery): Promise<KeywordHit[]> {
    this.keywordQueries.push(query);
    return Promise.resolve(this.keywordHits.slice(0, query.k));
  }
  listProductIds(afterId: string | undefined, limit: number): Promise<string[]> {
    const ids = [...this.products.keys()].sort();
    return Promise.resolve(
      ids.filter((id) => afterId === undefined || id > afterId).slice(0, Math.max(0, limit)),
    );
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
