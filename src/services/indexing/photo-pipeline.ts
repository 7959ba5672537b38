import { contentSha256 } from '../../domain/content-hash';
import type { StoredPhotoVector } from '../../domain/product';
import type { AppError } from '../../errors/app-error';
import { isAppError } from '../../errors/app-error';
import { ConcurrencyLimiter } from '../../lib/concurrency-limiter';
import type { Embedder } from '../../ports/embedder.port';
import type { PhotoFetcher } from '../../ports/photo-fetcher.port';
import type { ProductIndex } from '../../ports/product-index.port';
import { photoShapeError, withField } from './item-error';
import type { PhotoInput } from './product-input';

/** A photo with its bytes in hand and their hash. */
export interface GatheredPhoto {
  readonly field: string;
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly url: string | null;
  readonly filename: string | null;
}

/** The vectors of one product's photos in order, or the error of its first bad photo. */
export type PhotoVectors = readonly StoredPhotoVector[] | AppError;

/** How many photos got a stored vector and how many a model run, and which bytes were new. */
export interface PhotoCounts {
  reused: number;
  embedded: number;
  /** Hashes embedded in this call: bytes the index did not have, so neither may the store. */
  readonly fresh: Set<string>;
}

export function newPhotoCounts(): PhotoCounts {
  return { reused: 0, embedded: 0, fresh: new Set() };
}

function rethrowUnlessAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  throw error;
}

/**
 * Bytes, hashes and vectors for photos: URLs fetched through the PhotoFetcher (at most
 * `fetchConcurrency` at once per service), every photo hashed, and a vector per photo taken
 * from the index when the same bytes are already stored (same sha256, same model: the index is
 * bound to one), embedded otherwise, once per distinct hash per call.
 */
export class PhotoPipeline {
  private readonly fetches: ConcurrencyLimiter;

  constructor(
    private readonly embedder: Embedder,
    private readonly index: ProductIndex,
    private readonly fetcher: PhotoFetcher,
    fetchConcurrency: number,
  ) {
    this.fetches = new ConcurrencyLimiter(fetchConcurrency);
  }

  /** Every photo's bytes and hash; throws the first bad photo's error, naming it. */
  async gather(photos: readonly PhotoInput[]): Promise<GatheredPhoto[]> {
    const settled = await Promise.allSettled(
      photos.map((photo, position) => this.gatherOne(photo, photo.field ?? `images.${position}`)),
    );
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return settled.map((result) => (result as PromiseFulfilledResult<GatheredPhoto>).value);
  }

  private async gatherOne(photo: PhotoInput, field: string): Promise<GatheredPhoto> {
    if (photo.error !== undefined) throw withField(photo.error, field);
    const url = photo.url ?? null;
    let bytes = photo.bytes ?? null;
    if (bytes === null) {
      if (url === null) throw photoShapeError(field);
      try {
        bytes = (await this.fetches.run(() => this.fetcher.fetchPhoto(url))).bytes;
      } catch (error) {
        throw withField(rethrowUnlessAppError(error), field);
      }
    }
    const sha256 = await contentSha256(bytes);
    return { field, bytes, sha256, url, filename: photo.filename ?? null };
  }

  /**
   * Vectors for many products' photos: one index lookup for all hashes, then one embedImages
   * call per product for its photos nobody has yet (running concurrently, so the micro-batcher
   * merges them). A photo whose bytes appear earlier in the call waits for that embedding.
   */
  async vectors(
    products: ReadonlyArray<readonly GatheredPhoto[]>,
    counts: PhotoCounts,
  ): Promise<PhotoVectors[]> {
    const hashes = [...new Set(products.flatMap((photos) => photos.map((p) => p.sha256)))];
    const stored = hashes.length === 0 ? [] : await this.index.findVectorsBySha256(hashes);
    const known = new Map<string, Promise<StoredPhotoVector>>();
    hashes.forEach((hash, i) => {
      const hit = stored[i];
      if (hit !== null && hit !== undefined) known.set(hash, Promise.resolve(hit));
    });
    // In input order: the first product with bytes nobody has embeds them, later ones wait.
    const own = products.map((photos) => this.startEmbedding(photos, known, counts.fresh));
    return Promise.all(
      products.map((photos, n) => this.productVectors(photos, own[n]!, known, counts)),
    );
  }

  /** Starts one model call for the product's distinct photos no one has; returns them. */
  private startEmbedding(
    photos: readonly GatheredPhoto[],
    known: Map<string, Promise<StoredPhotoVector>>,
    fresh: Set<string>,
  ): Set<string> {
    const own = new Map<string, GatheredPhoto>();
    for (const photo of photos) if (!known.has(photo.sha256)) own.set(photo.sha256, photo);
    const embedding = this.embed([...own.values()]);
    [...own.keys()].forEach((hash, i) => {
      const one = embedding.then((result) => {
        if (!Array.isArray(result)) throw result;
        fresh.add(hash);
        return result[i] as StoredPhotoVector;
      });
      one.catch(() => undefined); // observed by productVectors; never an unhandled rejection
      known.set(hash, one);
    });
    return new Set(own.keys());
  }

  private async productVectors(
    photos: readonly GatheredPhoto[],
    own: ReadonlySet<string>,
    known: ReadonlyMap<string, Promise<StoredPhotoVector>>,
    counts: PhotoCounts,
  ): Promise<PhotoVectors> {
    const results = await Promise.allSettled(photos.map((photo) => known.get(photo.sha256)!));
    const failed = results.findIndex((result) => result.status === 'rejected');
    if (failed >= 0) {
      const reason = (results[failed] as PromiseRejectedResult).reason as AppError;
      const culprit = (reason.details.photoSha256 as string | undefined) ?? photos[failed]!.sha256;
      const photo = photos.find((p) => p.sha256 === culprit) ?? photos[failed]!;
      return withField(reason, photo.field);
    }
    counts.embedded += own.size;
    counts.reused += photos.length - own.size;
    return results.map((result) => (result as PromiseFulfilledResult<StoredPhotoVector>).value);
  }

  /**
   * One model call for the photos; when it fails and held several, each is tried alone to find
   * the bad one (the embedder's image cache makes the good ones cheap the second time).
   */
  private async embed(photos: readonly GatheredPhoto[]): Promise<StoredPhotoVector[] | AppError> {
    if (photos.length === 0) return [];
    try {
      return await this.embedder.embedImages(photos.map((photo) => photo.bytes));
    } catch (error) {
      const whole = rethrowUnlessAppError(error);
      if (photos.length === 1) return tagged(whole, photos[0]!);
      for (const photo of photos) {
        try {
          await this.embedder.embedImages([photo.bytes]);
        } catch (single) {
          return tagged(rethrowUnlessAppError(single), photo);
        }
      }
      return whole;
    }
  }
}

/** Remembers which bytes failed, so each product sharing them names its own photo. */
function tagged(error: AppError, photo: GatheredPhoto): AppError {
  const ErrorClass = error.constructor as new (
    message: string,
    details: Record<string, unknown>,
    options?: ErrorOptions,
  ) => AppError;
  return new ErrorClass(
    error.message,
    { ...error.details, photoSha256: photo.sha256 },
    { cause: error },
  );
}
