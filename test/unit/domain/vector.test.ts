import {
  cosineSimilarity,
  dot,
  isNormalized,
  l2Norm,
  l2Normalize,
} from '../../../src/domain/vector';

describe('vector helpers', () => {
  it('normalises to unit length without touching the input', () => {
    const input = new Float32Array([3, 4]);
    const out = l2Normalize(input);
    expect(Array.from(out)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(input)).toEqual([3, 4]);
    expect(l2Norm(out)).toBeCloseTo(1, 6);
    expect(isNormalized(out)).toBe(true);
    expect(isNormalized([3, 4])).toBe(false);
  });

  it('keeps a zero vector zero and refuses non-finite values', () => {
    expect(Array.from(l2Normalize([0, 0, 0]))).toEqual([0, 0, 0]);
    expect(isNormalized([0, 0])).toBe(true);
    expect(() => l2Normalize([1, Number.NaN])).toThrow(RangeError);
    expect(() => l2Normalize([Number.POSITIVE_INFINITY, 1])).toThrow(RangeError);
  });

  it('computes dot products and cosine similarity, 0 against a zero vector', () => {
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(cosineSimilarity([1, 0], [0, 2])).toBe(0);
    expect(cosineSimilarity([2, 0], [5, 0])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 1], [-1, -1])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(() => dot([1], [1, 2])).toThrow(TypeError);
  });
});
