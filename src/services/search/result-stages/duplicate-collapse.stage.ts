import type { SearchHit } from '../../../domain/search';
import { cosine } from './matched-vectors';

/** A hit of the relevant set, with the hits folded into it (best first). */
export interface CollapsedHit extends SearchHit {
  readonly duplicates: readonly string[];
}

/**
 * Near-duplicate collapse: walk the ranking best first; a hit whose matched photo has cosine
 * >= threshold with the matched photo of a hit already kept is folded into the best-ranked such
 * hit (listed in its `duplicates`, in ranking order) and leaves the ranking. A hit without a
 * vector (deleted since the search) is kept and compared with nothing. O(kept x hits) dot
 * products: at the default depth of 200, at most 20 000.
 */
export function collapseDuplicates(
  hits: readonly SearchHit[],
  vectors: ReadonlyMap<string, Float32Array>,
  threshold: number,
): CollapsedHit[] {
  const kept: Array<{ hit: SearchHit; vector: Float32Array | undefined; duplicates: string[] }> =
    [];
  for (const hit of hits) {
    const vector = vectors.get(hit.productId);
    const into =
      vector === undefined
        ? undefined
        : kept.find((k) => k.vector !== undefined && cosine(vector, k.vector) >= threshold);
    if (into !== undefined) into.duplicates.push(hit.productId);
    else kept.push({ hit, vector, duplicates: [] });
  }
  return kept.map(({ hit, duplicates }) => ({ ...hit, duplicates }));
}

/** The ranking as it is, each hit with no duplicates (collapse not asked for). */
export function uncollapsed(hits: readonly SearchHit[]): CollapsedHit[] {
  return hits.map((hit) => ({ ...hit, duplicates: [] }));
}
