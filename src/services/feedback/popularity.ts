import type { DecayedCounts, InteractionType } from '../../domain/interaction';
import { countsAt, INTERACTION_TYPES } from '../../domain/interaction';

/** How decayed counts become one popularity in [0, 1) (README, "Feedback loop"). */
export interface PopularityFormula {
  /** Half-life of an event's weight, in milliseconds. */
  readonly halfLifeMs: number;
  /** What one event of each type is worth (view < click < add to cart < purchase). */
  readonly typeWeights: Readonly<Record<InteractionType, number>>;
  /** The weighted decayed count at which popularity is 0.5: pop = x / (x + saturation). */
  readonly saturation: number;
  /** For searches with a text: the share of the per-query count in x (the rest is global). */
  readonly queryShare: number;
}

function weighted(
  aggregate: DecayedCounts | undefined,
  nowMs: number,
  formula: PopularityFormula,
): number {
  if (aggregate === undefined) return 0;
  const counts = countsAt(aggregate, nowMs, formula.halfLifeMs);
  let sum = 0;
  for (const type of INTERACTION_TYPES) sum += formula.typeWeights[type] * counts[type];
  return sum;
}

/**
 * pop(p) = x / (x + saturation), where x = G(p) without a query text and
 * x = (1 - queryShare) * G(p) + queryShare * Q(p) with one; G and Q are the weighted decayed
 * counts (sum over types of typeWeight * count, decayed to now) of the product overall and for
 * the normalised query text. 0 for a product without events; below 1 always.
 */
export function popularityOf(
  global: DecayedCounts | undefined,
  query: DecayedCounts | undefined,
  withQuery: boolean,
  nowMs: number,
  formula: PopularityFormula,
): number {
  const g = weighted(global, nowMs, formula);
  const x = withQuery
    ? (1 - formula.queryShare) * g + formula.queryShare * weighted(query, nowMs, formula)
    : g;
  return x <= 0 ? 0 : x / (x + formula.saturation);
}
