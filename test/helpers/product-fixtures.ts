import type {
  ImageWithVector,
  Product,
  ProductDocument,
  ProductFields,
} from '../../src/domain/product';
import { imageId } from '../../src/domain/product';

import { seededRandom } from '../../scripts/lib/seeded-random';

export { seededRandom };

export function normalize(values: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < values.length; i++) norm += (values[i] as number) ** 2;
  norm = Math.sqrt(norm);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) / norm;
  return out;
}

/** The unit vector along one axis. */
export function axisVector(dims: number, axis: number): Float32Array {
  const out = new Float32Array(dims);
  out[axis] = 1;
  return out;
}

export function randomUnitVector(dims: number, random: () => number): Float32Array {
  return normalize(Array.from({ length: dims }, () => random() - 0.5));
}

/**
 * A unit vector whose cosine with axis 0 is `similarity`; the rest points in a random direction
 * orthogonal to axis 0. Lets tests lay out well-separated similarities to a query `axisVector(d, 0)`
 * so the expected order holds for exact and quantised (int8 HNSW) backends alike.
 */
export function vectorWithSimilarity(
  dims: number,
  similarity: number,
  random: () => number,
): Float32Array {
  const rest = Array.from({ length: dims }, (_, i) => (i === 0 ? 0 : random() - 0.5));
  const restUnit = normalize(rest);
  const out = new Float32Array(dims);
  const orthogonal = Math.sqrt(Math.max(0, 1 - similarity * similarity));
  for (let i = 0; i < dims; i++) out[i] = (restUnit[i] as number) * orthogonal;
  out[0] = similarity;
  return normalize(out);
}

/** Cosine similarity computed in float64, the brute-force reference for kNN tests. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

export interface ProductSpec extends Partial<ProductFields> {
  readonly id: string;
  readonly vectors: readonly Float32Array[];
  readonly modelId?: string;
}

const FIXED_TIME = '2024-05-01T12:00:00.000Z';

/** A complete ProductDocument with sensible defaults; one image per vector, in order. */
export function makeProduct(spec: ProductSpec): ProductDocument {
  const { vectors, ...fields } = spec;
  const images: ImageWithVector[] = vectors.map((vector, position) => ({
    id: imageId(spec.id, position),
    position,
    url: position % 2 === 0 ? `https://img.example.com/${spec.id}/${position}.jpg` : null,
    filename: position % 2 === 0 ? null : `${spec.id}-${position}.png`,
    contentSha256: sha256Like(`${spec.id}:${position}`),
    width: 640 + position,
    height: 480 + position,
    vector,
  }));
  return {
    title: `Product ${spec.id}`,
    description: 'A plain catalog item.',
    category: 'general',
    price: 10,
    currency: 'USD',
    tags: [],
    inStock: true,
    modelId: 'contract-model',
    createdAt: FIXED_TIME,
    updatedAt: FIXED_TIME,
    ...fields,
    images,
  };
}

/** What getMany should return for a document: the same thing without vectors. */
export function expectedProduct(doc: ProductDocument): Product {
  return {
    ...doc,
    tags: [...doc.tags],
    images: doc.images.map((image) => {
      const { vector, ...stored } = image;
      void vector; // stripped: getMany returns image metadata, never vectors
      return stored;
    }),
  };
}

/** 64 hex chars derived from a string (not a real hash; stable and well-formed). */
function sha256Like(text: string): string {
  const random = seededRandom([...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
  return Array.from({ length: 64 }, () => Math.floor(random() * 16).toString(16)).join('');
}
