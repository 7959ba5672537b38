import type { SearchHit } from '../../../domain/search';
import type { SearchPlan } from '../search-request';

/** Popularity in [0, 1) per product id (FeedbackService); absent ids count 0. */
export interface PopularitySource {
  popularity(
    productIds: readonly string[],
    queryText: string | undefined,
  ): Promise<ReadonlyMap<string, number>>;
}

/** For services built without a feedback loop: nothing is popular. */
export const NO_POPULARITY: PopularitySource = Object.freeze({
  popularity: () => Promise.resolve(new Map<string, number>()),
});

type PopularityPlan = Pick<SearchPlan, 'popularityWeight' | 'parts'>;

/**
 * Whether the search blends popularity in. Then the lists must be read the whole depth deep
 * (any product of the relevant set may rise onto the page, so no prefix proves it), and pages
 * resume at their offset rather than after a (score, id) key: blended scores move with every
 * recorded event and with time (popularity decays), as fused scores move with the catalog.
 */
export function blendsPopularity(plan: PopularityPlan): boolean {
  return plan.popularityWeight > 0;
}

/**
 * The popularity blend, a stage after fusion and minScore: each hit of the relevant set gets
 * score + popularityWeight * pop(product) (pop from `source`, README "Feedback loop"), and the
 * set is re-ordered by that score, ties by product id.
 * With weight 0 the hits come back untouched: same objects, same order, same scores.
 */
export async function popularityStage(
  hits: readonly SearchHit[],
  plan: PopularityPlan,
  source: PopularitySource,
): Promise<readonly SearchHit[]> {
  const weight = plan.popularityWeight;
  if (weight === 0 || hits.length === 0) return hits;
  const text = plan.parts.find((part) => part.kind === 'text');
  const popularity = await source.popularity(
    hits.map((hit) => hit.productId),
    text?.kind === 'text' ? text.text : undefined,
  );
  return hits
    .map((hit) => ({ ...hit, score: hit.score + weight * (popularity.get(hit.productId) ?? 0) }))
    .sort((a, b) => b.score - a.score || compareIds(a.productId, b.productId));
}

function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
