/**
 * Ranking metrics for the eval command, over one query's ranked product ids and its judged
 * relevance grades (grade > 0 is relevant; binary judgements are grade 1).
 *
 * - recall@k: share of the relevant products found in the top k;
 * - MRR: 1 / rank of the first relevant product (0 when none is in the retrieved list);
 * - nDCG@k: sum of (2^grade - 1) / log2(rank + 1) over the top k, divided by the same sum
 *   for the ideal order of every judged product (Järvelin & Kekäläinen, the trec_eval gain).
 */

export type Grades = ReadonlyMap<string, number>;

export interface QueryMetrics {
  readonly recallAt1: number;
  readonly recallAt5: number;
  readonly recallAt10: number;
  readonly mrr: number;
  readonly ndcgAt10: number;
}

function relevantCount(grades: Grades): number {
  return [...grades.values()].filter((grade) => grade > 0).length;
}

export function recallAt(ranked: readonly string[], grades: Grades, k: number): number {
  const relevant = relevantCount(grades);
  if (relevant === 0) return 0;
  const found = ranked.slice(0, k).filter((id) => (grades.get(id) ?? 0) > 0).length;
  return found / relevant;
}

export function reciprocalRank(ranked: readonly string[], grades: Grades): number {
  const index = ranked.findIndex((id) => (grades.get(id) ?? 0) > 0);
  return index < 0 ? 0 : 1 / (index + 1);
}

function dcg(gradesInOrder: readonly number[]): number {
  return gradesInOrder.reduce((sum, grade, i) => sum + (2 ** grade - 1) / Math.log2(i + 2), 0);
}

export function ndcgAt(ranked: readonly string[], grades: Grades, k: number): number {
  const ideal = dcg(
    [...grades.values()]
      .filter((grade) => grade > 0)
      .sort((a, b) => b - a)
      .slice(0, k),
  );
  if (ideal === 0) return 0;
  return dcg(ranked.slice(0, k).map((id) => grades.get(id) ?? 0)) / ideal;
}

export function queryMetrics(ranked: readonly string[], grades: Grades): QueryMetrics {
  return {
    recallAt1: recallAt(ranked, grades, 1),
    recallAt5: recallAt(ranked, grades, 5),
    recallAt10: recallAt(ranked, grades, 10),
    mrr: reciprocalRank(ranked, grades),
    ndcgAt10: ndcgAt(ranked, grades, 10),
  };
}

/** Mean of each metric over queries; every metric 0 for an empty list. */
export function meanMetrics(all: readonly QueryMetrics[]): QueryMetrics {
  const mean = (name: keyof QueryMetrics): number =>
    all.length === 0 ? 0 : all.reduce((sum, m) => sum + m[name], 0) / all.length;
  return {
    recallAt1: mean('recallAt1'),
    recallAt5: mean('recallAt5'),
    recallAt10: mean('recallAt10'),
    mrr: mean('mrr'),
    ndcgAt10: mean('ndcgAt10'),
  };
}
