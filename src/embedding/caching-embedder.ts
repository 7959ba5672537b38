/**
 * Embedder decorator with two LRU caches, composed outside the batcher so hits never take a
 * queue slot:
 * - text embeddings keyed by model id + normalised text (trimmed, whitespace collapsed,
 *   lower-cased: CLIP's tokenizer does the same, so the vector does not change);
 * - image embeddings keyed by model id + sha256 of the bytes, so re-indexing identical photos
 *   never re-runs the model.
 * A call's misses go to the inner embedder together, admitted whole (SettledEmbedder, which
 * the batcher implements): a call that cannot be admitted fails before any of its photos is
 * decoded, and each miss gets its own outcome, so an input shared with another caller's call
 * never inherits that call's bad photo. An inner embedder without the settled methods gets one
 * input per call. A size of 0 disables that cache (calls pass straight through).
 */
import { contentSha256 } from '../domain/content-hash';
import type { Embedder, ImageEmbedding } from '../ports/embedder.port';
import type { InferenceObserver } from './inference-observer';
import { noopInferenceObserver } from './inference-observer';
import { EmbeddingCache } from './embedding-cache';
import { valuesOrFirstError } from '../lib/settled';

/** An embedder that takes a whole call at once and answers one outcome per input. */
interface SettledEmbedder {
  embedImagesSettled(
    images: readonly Uint8Array[],
  ): Promise<Array<PromiseSettledResult<ImageEmbedding>>>;
  embedTextsSettled(texts: readonly string[]): Promise<Array<PromiseSettledResult<Float32Array>>>;
}

function isSettledEmbedder(value: object): value is SettledEmbedder {
  const candidate = value as Partial<SettledEmbedder>;
  return (
    typeof candidate.embedImagesSettled === 'function' &&
    typeof candidate.embedTextsSettled === 'function'
  );
}

/** Each input alone (the fallback for inner embedders without settled calls). */
async function oneByOne<I, O>(
  inputs: readonly I[],
  embed: (batch: readonly I[]) => Promise<O[]>,
): Promise<Array<PromiseSettledResult<O>>> {
  return Promise.allSettled(inputs.map(async (input) => (await embed([input]))[0] as O));
}

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
    const normalised = texts.map(normaliseText);
    const keys = normalised.map((text) => `${this.modelId}\u0000${text}`);
    const settled = await Promise.allSettled(
      cache.getMany(keys, (positions) => this.textMisses(positions.map((i) => normalised[i]!))),
    );
    return valuesOrFirstError(settled).map((vector) => vector.slice());
  }

  async embedImages(images: readonly Uint8Array[]): Promise<ImageEmbedding[]> {
    const cache = this.images;
    if (cache === undefined || images.length === 0) return this.inner.embedImages(images);
    const hashes = await Promise.all(images.map((bytes) => contentSha256(bytes)));
    const keys = hashes.map((hash) => `${this.modelId}\u0000${hash}`);
    const settled = await Promise.allSettled(
      cache.getMany(keys, (positions) => this.imageMisses(positions.map((i) => images[i]!))),
    );
    return valuesOrFirstError(settled).map(copyImage);
  }

  private imageMisses(images: Uint8Array[]): Promise<Array<PromiseSettledResult<ImageEmbedding>>> {
    const { inner } = this;
    if (isSettledEmbedder(inner)) return inner.embedImagesSettled(images);
    return oneByOne(images, (batch) => inner.embedImages(batch));
  }

  private textMisses(texts: string[]): Promise<Array<PromiseSettledResult<Float32Array>>> {
    const { inner } = this;
    if (isSettledEmbedder(inner)) return inner.embedTextsSettled(texts);
    return oneByOne(texts, (batch) => inner.embedTexts(batch));
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
