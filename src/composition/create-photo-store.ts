import { FsPhotoStore } from '../adapters/photo-store/fs-photo-store';
import { NullPhotoStore } from '../adapters/photo-store/null-photo-store';
import type { PhotoStoreSettings } from '../config/load-config';
import type { PhotoStore } from '../ports/photo-store.port';

/**
 * The PhotoStore `settings.kind` names, opened (its folder exists and a crash's temp files are
 * gone). Independent of the catalog backend: the folder holds originals for Elasticsearch too.
 */
export async function createPhotoStore(settings: PhotoStoreSettings): Promise<PhotoStore> {
  switch (settings.kind) {
    case 'fs':
      return FsPhotoStore.open(settings.dir);
    case 'none':
      return new NullPhotoStore();
  }
}
