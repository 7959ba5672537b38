import type { FusionOptions, SearchHit } from '../../domain/search';
import type { RankedList } from './ranked-list';
import { normaliserFor } from './ranked-list';

interface Accumulator {
  score: number;
  imageId: string | null;
}

function contribution(
  options: FusionOptions,
  list: RankedList,
  rank: number,
  normalised: number,
): number {
  const weight = options.weights[list.weightKey];
  return options.mode === 'RRF' ? weight / (options.rrfK + rank) : weight * normalised;
}

/**
 * Fuses ranked lists into one ranking, identical for every backend.
 *
 * - A query with one list keeps its native score (cosine similarity for a kNN list), so `minScore`
 *   means the same as an Elasticsearch kNN `similarity` threshold.
 * - RRF: score = sum over lists of weight / (rrfK + rank), rank starting at 1.
 * - LINEAR: score = sum of weight * normalised score / sum of weights of the lists present,
 *   each list normalised by its declared scale (see `normaliserFor`).
 * - The image shown for a product is the first one a list offers, so list order matters:
 *   the query kinds put the image list first.
 * - Ties are broken by productId so pages are stable.
 */
export function fuse(lists: readonly RankedList[], options: FusionOptions): SearchHit[] {
  if (lists.length === 1 && lists[0] !== undefined) {
    return lists[0].items.map((item) => ({ ...item }));
  }
  const totalWeight = lists.reduce((sum, list) => sum + options.weights[list.weightKey], 0) || 1;
  const byProduct = new Map<string, Accumulator>();
  for (const list of lists) {
    const normalise = normaliserFor(list);
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
function compareHits(a: SearchHit, b: SearchHit): number {
  if (b.score !== a.score) return b.score - a.score;
  return a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;
}
