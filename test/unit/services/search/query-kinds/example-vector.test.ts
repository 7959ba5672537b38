import {
  meanDirection,
  recommendVector,
} from '../../../../../src/services/search/query-kinds/example-vector';

const v = (...values: number[]) => new Float32Array(values);

/** Expected values are worked out by hand in each test, not with the code under test. */
function expectVector(actual: Float32Array | undefined, expected: readonly number[]) {
  expect(actual).toBeInstanceOf(Float32Array);
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => expect(actual![i]).toBeCloseTo(value, 6));
}

describe('recommendVector', () => {
  it('without negatives: the normalised weighted mean of the normalised positives', () => {
    // (1,0,0) with weight 1 and (0,1,0) with weight 3 -> (1/4, 3/4, 0) -> /sqrt(10)/4.
    const q = recommendVector(
      [
        { vector: v(1, 0, 0), weight: 1 },
        { vector: v(0, 1, 0), weight: 3 },
      ],
      [],
    );
    expectVector(q, [1 / Math.sqrt(10), 3 / Math.sqrt(10), 0]);
  });

  it('normalises each example before averaging: a longer vector does not weigh more', () => {
    const q = recommendVector(
      [
        { vector: v(5, 0, 0), weight: 1 },
        { vector: v(0, 0.5, 0), weight: 1 },
      ],
      [],
    );
    expectVector(q, [Math.SQRT1_2, Math.SQRT1_2, 0]);
  });

  it('with negatives: normalise(2p - n)', () => {
    // p = (1/4, 3/4, 0), n = (0, 0, 1): 2p - n = (1/2, 3/2, -1), length sqrt(3.5).
    const q = recommendVector(
      [
        { vector: v(1, 0, 0), weight: 1 },
        { vector: v(0, 1, 0), weight: 3 },
      ],
      [{ vector: v(0, 0, 2), weight: 7 }],
    );
    const length = Math.sqrt(3.5);
    expectVector(q, [0.5 / length, 1.5 / length, -1 / length]);
  });

  it('weighs negatives against each other too', () => {
    // p = (1,0,0,0); n = (3 (0,1,0,0) + 1 (0,0,1,0)) / 4: 2p - n = (2, -3/4, -1/4, 0).
    const q = recommendVector(
      [{ vector: v(1, 0, 0, 0), weight: 2 }],
      [
        { vector: v(0, 1, 0, 0), weight: 3 },
        { vector: v(0, 0, 1, 0), weight: 1 },
      ],
    );
    const length = Math.sqrt(4 + 9 / 16 + 1 / 16);
    expectVector(q, [2 / length, -0.75 / length, -0.25 / length, 0]);
  });

  it('a negative pulls the query away from itself: its cosine with q drops', () => {
    const negative = v(0.6, 0.8, 0);
    const positives = [
      { vector: v(1, 0, 0), weight: 1 },
      { vector: v(0, 1, 0), weight: 1 },
    ];
    const cosine = (q: Float32Array | undefined) =>
      q![0]! * negative[0]! + q![1]! * negative[1]! + q![2]! * negative[2]!;
    const without = recommendVector(positives, []);
    const withNegative = recommendVector(positives, [{ vector: negative, weight: 1 }]);
    // Without: (1,1,0)/sqrt2 . (0.6,0.8,0) = 1.4/sqrt2. With: 2p - n = (0.4, 0.2, 0).
    expect(cosine(without)).toBeCloseTo(1.4 / Math.SQRT2, 6);
    expect(cosine(withNegative)).toBeCloseTo((0.4 * 0.6 + 0.2 * 0.8) / Math.sqrt(0.2), 6);
    expect(cosine(withNegative)).toBeLessThan(cosine(without));
  });

  it('gives undefined when the examples cancel out', () => {
    expect(
      recommendVector(
        [
          { vector: v(1, 0), weight: 2 },
          { vector: v(-1, 0), weight: 2 },
        ],
        [],
      ),
    ).toBeUndefined();
    // p = (3 (1,0) + 1 (-1,0)) / 4 = (1/2, 0), n = (1, 0): 2p - n = 0.
    expect(
      recommendVector(
        [
          { vector: v(1, 0), weight: 3 },
          { vector: v(-1, 0), weight: 1 },
        ],
        [{ vector: v(1, 0), weight: 1 }],
      ),
    ).toBeUndefined();
    expect(recommendVector([{ vector: v(0, 0), weight: 1 }], [])).toBeUndefined();
  });

  it('returns unit float32 vectors', () => {
    const q = recommendVector(
      [{ vector: v(0.3, -0.2, 0.9, 0.1), weight: 0.25 }],
      [{ vector: v(-0.5, 0.5, 0.5, 0.5), weight: 4 }],
    )!;
    const norm = Math.hypot(...q);
    expect(norm).toBeCloseTo(1, 6);
  });
});

describe('meanDirection', () => {
  it('is the normalised mean of a product photo vectors', () => {
    expectVector(meanDirection([v(1, 0, 0), v(0, 1, 0)]), [Math.SQRT1_2, Math.SQRT1_2, 0]);
    expectVector(meanDirection([v(0, 0, 1)]), [0, 0, 1]);
    expect(meanDirection([])).toBeUndefined();
    // Three photos, two alike: (2, 1, 0) / sqrt5.
    expectVector(meanDirection([v(1, 0, 0), v(1, 0, 0), v(0, 1, 0)]), [
      2 / Math.sqrt(5),
      1 / Math.sqrt(5),
      0,
    ]);
  });
});
