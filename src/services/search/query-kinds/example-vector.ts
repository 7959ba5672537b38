import { l2Norm } from '../../../domain/vector';

/** One example's vector and its weight (> 0). */
export interface WeightedVector {
  readonly vector: ArrayLike<number>;
  readonly weight: number;
}

/**
 * The vector of a stored product: the normalised mean of its stored photo vectors, so a product
 * with several photos counts once, pointing between them. undefined for no photos or no direction.
 */
export function meanDirection(vectors: readonly Float32Array[]): Float32Array | undefined {
  if (vectors.length === 0) return undefined;
  return unit(weightedMean(vectors.map((vector) => ({ vector, weight: 1 }))));
}

/**
 * The recommend query vector, Qdrant's average-vector strategy: p and n are the weight-averaged
 * normalised vectors of the positive and negative examples; q = normalise(2p - n), or
 * normalise(p) without negatives. undefined when q has no direction (the examples cancel out).
 * Computed in double precision and rounded to float32 once, at the end.
 */
export function recommendVector(
  positive: readonly WeightedVector[],
  negative: readonly WeightedVector[],
): Float32Array | undefined {
  const p = weightedMean(positive);
  if (negative.length === 0) return unit(p);
  const n = weightedMean(negative);
  return unit(p.map((value, i) => 2 * value - (n[i] as number)));
}

/** Sum of weight * normalised vector over the sum of weights, in float64. */
function weightedMean(examples: readonly WeightedVector[]): Float64Array {
  const first = examples[0];
  if (first === undefined) throw new TypeError('weightedMean: needs at least one vector');
  const sum = new Float64Array(first.vector.length);
  let total = 0;
  for (const { vector, weight } of examples) {
    if (vector.length !== sum.length) throw new TypeError('weightedMean: vectors differ in length');
    const norm = l2Norm(vector);
    if (norm === 0) continue; // no direction to add (the embedder's zero vector)
    for (let i = 0; i < sum.length; i++) {
      sum[i] = (sum[i] as number) + (weight * (vector[i] as number)) / norm;
    }
    total += weight;
  }
  return total === 0 ? sum : sum.map((value) => value / total);
}

/**
 * Unit length in float32, or undefined when the length is below what float32 can tell from
 * rounding noise of unit vectors (a direction that small is not a query).
 */
function unit(vector: Float64Array): Float32Array | undefined {
  const norm = l2Norm(vector);
  if (!(norm > 1e-6)) return undefined;
  return Float32Array.from(vector, (value) => value / norm);
}
