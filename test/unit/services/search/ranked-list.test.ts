import type { FusionOptions } from '../../../../src/domain/search';
import { fuse } from '../../../../src/services/search/fusion';
import type { RankedList } from '../../../../src/services/search/ranked-list';
import { normaliserFor } from '../../../../src/services/search/ranked-list';

const linear: FusionOptions = {
  mode: 'LINEAR',
  weights: { image: 1, text: 1, keyword: 1, examples: 1 },
  rrfK: 60,
};

function list(
  scale: RankedList['scale'],
  weightKey: RankedList['weightKey'],
  scores: number[],
): RankedList {
  return {
    weightKey,
    scale,
    items: scores.map((score, i) => ({ productId: `${weightKey}${i}`, imageId: null, score })),
  };
}

describe('normaliserFor', () => {
  it('maps cosine from [-1, 1] onto [0, 1] whatever else is in the list', () => {
    const normalise = normaliserFor(list('cosine', 'image', [0.2]));
    expect([-1, 0, 0.5, 1].map(normalise)).toEqual([0, 0.5, 0.75, 1]);
  });

  it("divides BM25 by the list's best score", () => {
    const normalise = normaliserFor(list('bm25', 'keyword', [8, 2]));
    expect([8, 2, 0].map(normalise)).toEqual([1, 0.25, 0]);
  });

  it('gives 0 to every item of a BM25 list whose best score is 0', () => {
    const normalise = normaliserFor(list('bm25', 'keyword', [0, 0]));
    expect(normalise(0)).toBe(0);
  });
});

describe('fusion reads the declared scale, not the weight key', () => {
  it('normalises a keyword-weighted list by cosine when it says cosine', () => {
    const cosineKeyword = list('cosine', 'keyword', [0.5]);
    const bm25Image = list('bm25', 'image', [4, 2]);
    const scores = Object.fromEntries(
      fuse([cosineKeyword, bm25Image], linear).map((h) => [h.productId, h.score]),
    );
    // Each product is in one list; the divisor is the sum of both lists' weights (2).
    expect(scores['keyword0']).toBeCloseTo((1 + 0.5) / 2 / 2, 12);
    expect(scores['image0']).toBeCloseTo(4 / 4 / 2, 12);
    expect(scores['image1']).toBeCloseTo(2 / 4 / 2, 12);
  });

  it('weighs a list by its weight key', () => {
    const heavy = fuse([list('cosine', 'text', [0]), list('cosine', 'image', [0])], {
      ...linear,
      weights: { image: 1, text: 3, keyword: 1, examples: 1 },
    });
    expect(heavy.map((h) => [h.productId, h.score])).toEqual([
      ['text0', (3 * 0.5) / 4],
      ['image0', (1 * 0.5) / 4],
    ]);
  });
});
