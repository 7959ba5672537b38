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

const SAME_FIELDS = [
  'id',
  'title',
  'description',
  'category',
  'price',
  'currency',
  'inStock',
] as const;
const SAME_IMAGE_FIELDS = [
  'id',
  'position',
  'url',
  'filename',
  'contentSha256',
  'width',
  'height',
] as const;

/**
 * Whether writing `doc` would store exactly what is stored already: same catalog fields, same
 * model, and the same photos (bytes, source, ids) in the same order. The vectors are then the
 * same too (same bytes, same model), so re-indexing it would change nothing but updatedAt.
 */
export function sameAsStored(doc: ProductDocument, stored: Product | null): boolean {
  if (stored === null || stored.modelId !== doc.modelId) return false;
  if (SAME_FIELDS.some((field) => stored[field] !== doc[field])) return false;
  if (stored.tags.length !== doc.tags.length) return false;
  if (stored.tags.some((tag, i) => tag !== doc.tags[i])) return false;
  if (stored.images.length !== doc.images.length) return false;
  return stored.images.every((image, i) =>
    SAME_IMAGE_FIELDS.every((field) => image[field] === doc.images[i]![field]),
  );
}
