/** The most bucket edges a request or the server's config may give (edges + 1 buckets). */
const MAX_PRICE_BUCKET_EDGES = 20;

/**
 * Why these edges cannot make price buckets, or undefined when they can: finite, >= 0, strictly
 * ascending, at most MAX_PRICE_BUCKET_EDGES. Edges e1 < ... < en make n + 1 buckets,
 * [null, e1), [e1, e2), ..., [en, null): min inclusive, max exclusive, null = unbounded.
 */
export function priceBucketsProblem(edges: readonly number[]): string | undefined {
  if (edges.length > MAX_PRICE_BUCKET_EDGES) {
    return `at most ${MAX_PRICE_BUCKET_EDGES} price bucket edges`;
  }
  if (!edges.every((edge) => Number.isFinite(edge) && edge >= 0)) {
    return 'price bucket edges must be finite numbers >= 0';
  }
  if (!edges.every((edge, i) => i === 0 || edge > (edges[i - 1] as number))) {
    return 'price bucket edges must be strictly ascending';
  }
  return undefined;
}
