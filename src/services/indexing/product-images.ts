import type {
  ImageWithVector,
  Product,
  ProductDocument,
  ProductImage,
  StoredPhotoVector,
} from '../../domain/product';
import type { GatheredPhoto } from './photo-pipeline';

/** How IndexingService builds and edits a product's images (pure). */

export function toImage(
  photo: GatheredPhoto,
  vector: StoredPhotoVector,
  id: string,
  position: number,
): ImageWithVector {
  return {
    id,
    position,
    url: photo.url,
    filename: photo.filename,
    contentSha256: photo.sha256,
    width: vector.width,
    height: vector.height,
    vector: vector.vector,
  };
}

/** The product's images with their stored vectors (getImageVectors is by position). */
export function keptImages(
  images: readonly ProductImage[],
  vectors: ReadonlyArray<{ readonly imageId: string; readonly vector: Float32Array }>,
): ImageWithVector[] {
  const byId = new Map(vectors.map((v) => [v.imageId, v.vector]));
  return images.map((image) => ({ ...image, vector: byId.get(image.id)! }));
}

/** One more than the highest `#<n>` in use. */
export function nextImageNumber(images: readonly ProductImage[]): number {
  let max = -1;
  for (const image of images) {
    const n = Number(image.id.slice(image.id.lastIndexOf('#') + 1));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return Math.max(max + 1, images.length);
}

/**
 * The photos to put in the store: bytes the index did not have before this call (reused ones
 * were put when first indexed), each distinct hash once.
 */
export function freshPhotos(
  photos: readonly GatheredPhoto[],
  fresh: ReadonlySet<string>,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const photo of photos) if (fresh.has(photo.sha256)) out.set(photo.sha256, photo.bytes);
  return out;
}

export function withoutVectors(doc: ProductDocument): Product {
  return {
    ...doc,
    images: doc.images.map(({ vector: _vector, ...image }) => image),
  };
}
