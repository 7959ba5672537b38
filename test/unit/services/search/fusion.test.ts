import type { FusionOptions } from '../../../../src/domain/search';
import { fuse } from '../../../../src/services/search/fusion';
import type { RankedList } from '../../../../src/services/search/ranked-list';

const rrf: FusionOptions = {
  mode: 'RRF',
  weights: { image: 1, text: 1, keyword: 1, examples: 1 },
  rrfK: 60,
};
const linear: FusionOptions = { ...rrf, mode: 'LINEAR' };

const imageList: RankedList = {
  weightKey: 'image',
  scale: 'cosine',
  items: [
    { productId: 'a', imageId: 'a#0', score: 0.9 },
    { productId: 'b', imageId: 'b#1', score: 0.5 },
  ],
};
const keywordList: RankedList = {
  weightKey: 'keyword',
  scale: 'bm25',
  items: [
    { productId: 'b', imageId: null, score: 8 },
    { productId: 'c', imageId: null, score: 4 },
  ],
};

describe('fuse', () => {
  it('keeps the native cosine score when the query has a single list', () => {
    expect(fuse([imageList], rrf)).toEqual(imageList.items);
  });

  it('sums weight / (k + rank) over lists for RRF', () => {
    const hits = fuse([imageList, keywordList], rrf);
    // b: rank 2 in image, rank 1 in keyword; a: rank 1 in image only; c: rank 2 in keyword.
    expect(hits.map((h) => h.productId)).toEqual(['b', 'a', 'c']);
    expect(hits[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(hits[1]!.score).toBeCloseTo(1 / 61, 12);
  });

  it('takes the matched image from the vector lists, never from keywords', () => {
    const hits = fuse([keywordList, imageList], rrf);
    expect(hits.find((h) => h.productId === 'b')!.imageId).toBe('b#1');
    expect(hits.find((h) => h.productId === 'c')!.imageId).toBeNull();
  });

  it('applies per-list weights', () => {
    const keywordHeavy = fuse([imageList, keywordList], {
      ...rrf,
      weights: { image: 1, text: 1, keyword: 10, examples: 1 },
    });
    expect(keywordHeavy.map((h) => h.productId)).toEqual(['b', 'c', 'a']);
  });

  it('mixes normalised scores linearly, divided by the weights present', () => {
    const hits = fuse([imageList, keywordList], linear);
    const expected = {
      a: (1 + 0.9) / 2 / 2,
      b: ((1 + 0.5) / 2 + 8 / 8) / 2,
      c: 4 / 8 / 2,
    };
    for (const hit of hits) {
      expect(hit.score).toBeCloseTo(expected[hit.productId as keyof typeof expected], 12);
    }
    expect(hits.map((h) => h.productId)).toEqual(['b', 'a', 'c']);
  });

  it('breaks ties by product id so pages are stable', () => {
    const tied: RankedList = {
      weightKey: 'keyword',
      scale: 'bm25',
      items: [
        { productId: 'z', imageId: null, score: 1 },
        { productId: 'y', imageId: null, score: 1 },
      ],
    };
    const other: RankedList = {
      weightKey: 'text',
      scale: 'cosine',
      items: [
        { productId: 'y', imageId: 'y#0', score: 0.1 },
        { productId: 'z', imageId: 'z#0', score: 0.1 },
      ],
    };
    expect(fuse([tied, other], rrf).map((h) => h.productId)).toEqual(['y', 'z']);
  });

  it('returns nothing when every list is empty', () => {
    expect(
      fuse(
        [
          { weightKey: 'text', scale: 'cosine', items: [] },
          { weightKey: 'keyword', scale: 'bm25', items: [] },
        ],
        rrf,
      ),
    ).toEqual([]);
  });
});
