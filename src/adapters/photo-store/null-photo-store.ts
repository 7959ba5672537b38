import type { PhotoStore, StoredPhoto } from '../../ports/photo-store.port';

/** `PHOTO_STORE=none`: keeps no originals. Puts are accepted and dropped; every get is null. */
export class NullPhotoStore implements PhotoStore {
  put(): Promise<void> {
    return Promise.resolve();
  }

  get(): Promise<StoredPhoto | null> {
    return Promise.resolve(null);
  }

  delete(): Promise<void> {
    return Promise.resolve();
  }
}
