/**
 * Embedder decorator with two LRU caches, composed outside the batcher so hits never take a
 * queue slot:
 * - text embeddings keyed by model id + normalised text (trimmed, whitespace collapsed,
 *   lower-cased: CLIP's tokenizer does the same, so the vector does not change);
 * - image embeddings keyed by model id + sha256 of the bytes, so re-indexing identical photos
 *   never re-runs the model.
 * Misses go to the inner embedder one input per call: the batcher below merges them into
 * shared runs anyway, and an input shared with another caller's call must not inherit that
 * call's bad photo. A size of 0 disables that cache (calls pass straight through).
 */
import { contentSha256 } from '../domain/content-hash';
import type { Embedder, ImageEmbedding } from '../ports/embedder.port';
import type { InferenceObserver } from './inference-observer';
import { noopInferenceObserver } from './inference-observer';
import { EmbeddingCache } from './embedding-cache';
import { valuesOrFirstError } from '../lib/settled';

export interface CachingOptions {
  /** Most text embeddings kept; 0 disables the text cache. */
  readonly textCacheSize: number;
  /** Most image embeddings kept; 0 disables the image cache. */
  readonly imageCacheSize: number;
  readonly observer?: InferenceObserver;
}

/** What text keys are made of: trimmed, inner whitespace collapsed, lower-cased. */
export function normaliseText(text: string): string {
  return text.trim().split(/\s+/u).join(' ').toLowerCase();
}

// Callers get their own copies: a caller that scales a vector in place must not corrupt the cache.
const copyImage = (e: ImageEmbedding): ImageEmbedding => ({ ...e, vector: e.vector.slice() });

export class CachingEmbedder implements Embedder {
  private readonly texts: EmbeddingCache<Float32Array> | undefined;
  private readonly images: EmbeddingCache<ImageEmbedding> | undefined;

  constructor(
    private readonly inner: Embedder,
    options: CachingOptions,
  ) {
    const observer = options.observer ?? noopInferenceObserver;
    for (const [name, size] of Object.entries({
      textCacheSize: options.textCacheSize,
      imageCacheSize: options.imageCacheSize,
    })) {
      if (!Number.isInteger(size) || size < 0) {
        throw new TypeError(`CachingEmbedder: ${name} must be an integer >= 0, got ${size}`);
      }
    }
    if (options.textCacheSize > 0) {
      this.texts = new EmbeddingCache(options.textCacheSize, (hit) =>
        observer.cacheLookup('text', hit),
      );
    }
    if (options.imageCacheSize > 0) {
      this.images = new EmbeddingCache(options.imageCacheSize, (hit) =>
        observer.cacheLookup('image', hit),
      );
    }
  }

  get modelId(): string {
    return this.inner.modelId;
  }

  get dims(): number {
    return this.inner.dims;
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    const cache = this.texts;
    if (cache === undefined || texts.length === 0) return this.inner.embedTexts(texts);
    const settled = await Promise.allSettled(
      texts.map((text) => {
        const normalised = normaliseText(text);
        return cache.get(`${this.modelId}\u0000${normalised}`, async () => {
          const [vector] = await this.inner.embedTexts([normalised]);
          return vector as Float32Array;
        });
      }),
    );
    return valuesOrFirstError(settled).map((vector) => vector.slice());
  }

  async embedImages(images: readonly Uint8Array[]): Promise<ImageEmbedding[]> {
    const cache = this.images;
    if (cache === undefined || images.length === 0) return this.inner.embedImages(images);
    const settled = await Promise.allSettled(
      images.map(async (bytes) => {
        const key = `${this.modelId}\u0000${await contentSha256(bytes)}`;
        return cache.get(key, async () => {
          const [embedding] = await this.inner.embedImages([bytes]);
          return embedding as ImageEmbedding;
        });
      }),
    );
    return valuesOrFirstError(settled).map(copyImage);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
