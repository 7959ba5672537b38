import type { Product, ProductDocument } from '../../src/domain/product';
import type { KeywordHit, VectorHit } from '../../src/domain/search';
import type { Embedder, ImageEmbedding } from '../../src/ports/embedder.port';
import type { KeywordQuery, ProductIndex, VectorQuery } from '../../src/ports/product-index.port';

/** Embeds bytes as the unit vector along axis bytes[0] % dims, and text along its length. */
export class RecordingEmbedder implements Embedder {
  readonly modelId = 'fake-model';
  readonly dims = 4;
  readonly imageCalls: number[] = [];
  readonly textCalls: string[][] = [];

  embedImages(images: readonly Uint8Array[]): Promise<ImageEmbedding[]> {
    this.imageCalls.push(images.length);
    return Promise.resolve(
      images.map((bytes) => ({
        vector: this.axis(bytes[0] ?? 0),
        width: 10,
        height: 20,
        format: 'png',
      })),
    );
  }

  embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    this.textCalls.push([...texts]);
    return Promise.resolve(texts.map((text) => this.axis(text.length)));
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private axis(n: number): Float32Array {
    const v = new Float32Array(this.dims);
    v[n % this.dims] = 1;
    return v;
  }
}

/** Returns scripted ranked lists and records every call. */
export class ScriptedIndex implements ProductIndex {
  readonly kind = 'scripted';
  readonly vectorQueries: VectorQuery[] = [];
  readonly keywordQueries: KeywordQuery[] = [];
  readonly upserts: ProductDocument[] = [];
  readonly getManyCalls: string[][] = [];
  products = new Map<string, Product>();

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
  delete(productId: string): Promise<boolean> {
    return Promise.resolve(this.products.delete(productId));
  }
  getMany(ids: readonly string[]): Promise<Array<Product | null>> {
    this.getManyCalls.push([...ids]);
    return Promise.resolve(ids.map((id) => this.products.get(id) ?? null));
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
  count(): Promise<number> {
    return Promise.resolve(this.products.size);
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
