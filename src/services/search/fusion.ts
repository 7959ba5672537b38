import type { FusionOptions, SearchHit } from '../../domain/search';

/** Which query produced a ranked list. */
export type ListSource = 'image' | 'text' | 'keyword';

export interface RankedItem {
  readonly productId: string;
  readonly imageId: string | null;
  /** Cosine similarity for vector lists, BM25 for the keyword list. */
  readonly score: number;
}

export interface RankedList {
  readonly source: ListSource;
  /** Best first. */
  readonly items: readonly RankedItem[];
}

interface Accumulator {
  score: number;
  imageId: string | null;
}

/** Map a list's native score into [0, 1] so the linear mix can add lists of different kinds. */
function normaliser(list: RankedList): (score: number) => number {
  if (list.source !== 'keyword') return (cosine) => (1 + cosine) / 2;
  const max = list.items.reduce((m, item) => Math.max(m, item.score), 0);
  return max > 0 ? (score) => score / max : () => 0;
}

function contribution(
  options: FusionOptions,
  list: RankedList,
  rank: number,
  normalised: number,
): number {
  const weight = options.weights[list.source];
  return options.mode === 'RRF' ? weight / (options.rrfK + rank) : weight * normalised;
}

/**
 * Fuses ranked lists into one ranking, identical for every backend.
 *
 * - A query with one list keeps its native score (cosine similarity for a kNN list), so `minScore`
 *   means the same as an Elasticsearch kNN `similarity` threshold.
 * - RRF: score = sum over lists of weight / (rrfK + rank), rank starting at 1.
 * - LINEAR: score = sum of weight * normalised score / sum of weights of the lists present,
 *   with cosine mapped to (1 + cos) / 2 and BM25 divided by the list's best score.
 * - The image shown for a product is its best match in the vector lists (image list first).
 * - Ties are broken by productId so pages are stable.
 */
export function fuse(lists: readonly RankedList[], options: FusionOptions): SearchHit[] {
  if (lists.length === 1 && lists[0] !== undefined) {
    return lists[0].items.map((item) => ({ ...item }));
  }
  const totalWeight = lists.reduce((sum, list) => sum + options.weights[list.source], 0) || 1;
  const byProduct = new Map<string, Accumulator>();
  for (const list of lists) {
    const normalise = normaliser(list);
    list.items.forEach((item, index) => {
      const acc = byProduct.get(item.productId) ?? {
        score: 0,
        imageId: null,
      };
      acc.score += contribution(options, list, index + 1, normalise(item.score));
      if (item.imageId !== null && acc.imageId === null) {
        acc.imageId = item.imageId;
      }
      byProduct.set(item.productId, acc);
    });
  }
  const divisor = options.mode === 'LINEAR' ? totalWeight : 1;
  return [...byProduct.entries()]
    .map(([productId, acc]) => ({ productId, imageId: acc.imageId, score: acc.score / divisor }))
    .sort(compareHits);
}

/** Score descending, then productId ascending. */
export function compareHits(a: SearchHit, b: SearchHit): number {
  if (b.score !== a.score) return b.score - a.score;
  return a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;
}
