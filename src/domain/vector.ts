/**
 * Vector helpers shared by adapters and services. Every vector the system stores or compares
 * is an L2-normalised Float32Array, so cosine similarity is a plain dot product.
 */

/** Euclidean (L2) norm, accumulated in double precision. */
export function l2Norm(vector: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) {
    const v = vector[i] as number;
    sum += v * v;
  }
  return Math.sqrt(sum);
}

/**
 * Returns a new unit-length copy of `vector`. A zero vector stays zero (there is no direction
 * to keep, and NaNs would poison every later comparison). Non-finite input throws a RangeError:
 * a NaN from a model is a failure to report, not a vector to store.
 */
export function l2Normalize(vector: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vector);
  const norm = l2Norm(out);
  if (!Number.isFinite(norm)) throw new RangeError('l2Normalize: vector has non-finite values');
  if (norm === 0) return out;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / norm;
  return out;
}

/** Dot product; throws a TypeError when the lengths differ (a dims mismatch is a bug). */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new TypeError(`dot: vectors differ in length (${a.length} vs ${b.length})`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** Cosine similarity of any two vectors; 0 when either is a zero vector. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const denominator = l2Norm(a) * l2Norm(b);
  return denominator === 0 ? 0 : dot(a, b) / denominator;
}

/** True when `vector` has unit length within `tolerance` (float32 rounding) or is all zeros. */
export function isNormalized(vector: ArrayLike<number>, tolerance = 1e-4): boolean {
  const norm = l2Norm(vector);
  return norm === 0 || Math.abs(norm - 1) <= tolerance;
}
