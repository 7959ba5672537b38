import type { ImageVector } from '../../domain/product';
import { IndexUnavailableError } from '../../errors/app-error';

/**
 * Elasticsearch 8.19 cannot return a `dense_vector` excluded from `_source`, and keeping the
 * float array in `_source` costs about four times the bytes of the floats themselves (JSON
 * doubles). So each image also carries its vector as the base64 of its float32 little-endian
 * bytes in a non-indexed `binary` field: read back bit for bit, stored once, searched never.
 */
export const VECTOR_BYTES_PROPERTY = 'vectorBytes';

const FLOAT_BYTES = 4;

/** A vector as base64 of its float32 little-endian bytes (explicit, whatever the host order). */
export function encodeVector(vector: Float32Array): string {
  const bytes = Buffer.allocUnsafe(vector.length * FLOAT_BYTES);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] as number, i * FLOAT_BYTES);
  return bytes.toString('base64');
}

/**
 * The vector stored by encodeVector. A value of other length than the index's dims means the
 * stored document is not what this adapter wrote: the index cannot serve it.
 */
export function decodeVector(base64: unknown, dims: number, imageId: string): Float32Array {
  const bytes = typeof base64 === 'string' ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
  if (bytes.length !== dims * FLOAT_BYTES) {
    throw new IndexUnavailableError('A stored image vector is missing or malformed', {
      operation: 'getImageVectors',
      imageId,
      expectedBytes: dims * FLOAT_BYTES,
      actualBytes: bytes.length,
    });
  }
  const vector = new Float32Array(dims);
  for (let i = 0; i < dims; i++) vector[i] = bytes.readFloatLE(i * FLOAT_BYTES);
  return vector;
}

/** The `_source` fields getImageVectors reads (the rest of the product stays on the node). */
export const IMAGE_VECTOR_SOURCE = [
  'images.id',
  'images.position',
  `images.${VECTOR_BYTES_PROPERTY}`,
];

interface StoredImage {
  readonly id?: unknown;
  readonly position?: unknown;
  readonly [VECTOR_BYTES_PROPERTY]?: unknown;
}

/** The image vectors of one `_source` filtered to IMAGE_VECTOR_SOURCE, in position order. */
export function imageVectorsFromSource(
  source: { readonly images?: readonly StoredImage[] },
  dims: number,
): ImageVector[] {
  return [...(source.images ?? [])]
    .sort((a, b) => Number(a.position) - Number(b.position))
    .map((image) => {
      const imageId = String(image.id);
      return { imageId, vector: decodeVector(image[VECTOR_BYTES_PROPERTY], dims, imageId) };
    });
}
