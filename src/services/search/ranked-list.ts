import type { FusionWeights } from '../../domain/search';

/**
 * What a list's scores mean, so fusion can put lists of different kinds on one scale.
 * - `cosine`: similarity in [-1, 1].
 * - `bm25`: relevance >= 0, unbounded, comparable only within one list.
 */
type ScoreScale = 'cosine' | 'bm25';

/** Which of the request's fusion weights applies to a list. */
export type WeightKey = keyof FusionWeights;

interface RankedItem {
  readonly productId: string;
  /** The product's best-matching image, or null when the list does not rank images. */
  readonly imageId: string | null;
  /** Native score, read according to the list's `scale`. */
  readonly score: number;
}

/** One ranked list from one query kind; it says how to read and weigh its own scores. */
export interface RankedList {
  readonly weightKey: WeightKey;
  readonly scale: ScoreScale;
  /** Best first. */
  readonly items: readonly RankedItem[];
  /** How many items the read asked for, when not the round's read depth (see fused-read.ts). */
  readonly asked?: number;
}

type Normaliser = (score: number) => number;

// One line per scale: a new scale adds a line here, not a branch in fusion.
const NORMALISERS: { readonly [S in ScoreScale]: (list: RankedList) => Normaliser } = {
  cosine: () => (cosine) => (1 + cosine) / 2,
  bm25: (list) => {
    const max = list.items.reduce((m, item) => Math.max(m, item.score), 0);
    return max > 0 ? (score) => score / max : () => 0;
  },
};

/** Maps a list's native scores into [0, 1] according to its declared scale. */
export function normaliserFor(list: RankedList): Normaliser {
  return NORMALISERS[list.scale](list);
}
