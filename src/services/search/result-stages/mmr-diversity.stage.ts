import type { CollapsedHit } from './duplicate-collapse.stage';
import { cosine } from './matched-vectors';

/**
 * Maximal marginal relevance over the relevant set: repeatedly pick the candidate maximising
 * (1 - d) * rel(i) - d * max over picked p of cos(v_i, v_p), where rel is the hit's score
 * min-max normalised over the candidates (all 1 when every score is equal) and v its matched
 * photo vector (a hit without one has similarity 0 to everything). Ties go to the better-ranked
 * candidate, so the result is deterministic. Greedy only for the first `count` picks (the page
 * and one more); the rest follows in relevance order, unused by the page.
 */
export function diversify<H extends CollapsedHit>(
  hits: readonly H[],
  vectors: ReadonlyMap<string, Float32Array>,
  diversity: number,
  count: number,
): H[] {
  if (hits.length === 0) return [];
  const scores = hits.map((hit) => hit.score);
  const min = Math.min(...scores);
  const span = Math.max(...scores) - min;
  const relevance = scores.map((score) => (span > 0 ? (score - min) / span : 1));
  // The highest similarity of each candidate to anything picked so far.
  const nearest = hits.map(() => 0);
  const left = new Set(hits.keys());
  const picked: H[] = [];
  while (picked.length < count && left.size > 0) {
    let best = -1;
    let bestValue = -Infinity;
    for (const i of left) {
      const value = (1 - diversity) * (relevance[i] as number) - diversity * (nearest[i] as number);
      if (value > bestValue) {
        best = i;
        bestValue = value;
      }
    }
    left.delete(best);
    const chosen = hits[best] as H;
    picked.push(chosen);
    const v = vectors.get(chosen.productId);
    if (v === undefined) continue;
    for (const i of left) {
      const u = vectors.get((hits[i] as H).productId);
      if (u !== undefined) nearest[i] = Math.max(nearest[i] as number, cosine(u, v));
    }
  }
  return [...picked, ...[...left].sort((a, b) => a - b).map((i) => hits[i] as H)];
}
