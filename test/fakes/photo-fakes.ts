import { ImageFetchFailedError } from '../../src/errors/app-error';
import type { FetchedPhoto, PhotoFetcher } from '../../src/ports/photo-fetcher.port';
import type { PhotoStore, StoredPhoto } from '../../src/ports/photo-store.port';

/** Serves photos from a map url -> bytes; any other URL fails with IMAGE_FETCH_FAILED (404). */
export class MapPhotoFetcher implements PhotoFetcher {
  readonly fetched: string[] = [];

  constructor(readonly photos = new Map<string, Uint8Array>()) {}

  fetchPhoto(url: string): Promise<FetchedPhoto> {
    this.fetched.push(url);
    const bytes = this.photos.get(url);
    if (bytes === undefined) {
      return Promise.reject(
        new ImageFetchFailedError(`No photo at ${url}`, {
          url,
          httpStatus: 404,
          reason: 'HTTP_STATUS',
        }),
      );
    }
    return Promise.resolve({ bytes, finalUrl: url, contentType: null });
  }
}

/** A PhotoStore in a Map that records every call. */
export class RecordingPhotoStore implements PhotoStore {
  readonly photos = new Map<string, StoredPhoto>();
  readonly puts: string[] = [];
  readonly deletes: string[][] = [];

  put(sha256: string, bytes: Uint8Array, contentType: string): Promise<void> {
    this.puts.push(sha256);
    this.photos.set(sha256, { bytes: Uint8Array.from(bytes), contentType });
    return Promise.resolve();
  }

  get(sha256: string): Promise<StoredPhoto | null> {
    return Promise.resolve(this.photos.get(sha256) ?? null);
  }

  delete(sha256s: readonly string[]): Promise<void> {
    this.deletes.push([...sha256s]);
    for (const hash of sha256s) this.photos.delete(hash);
    return Promise.resolve();
  }
}
