import { checkSearchLimits } from '../../../../src/services/search/search-limits';
import { searchLimits } from '../../../helpers/search-limits';

describe('checkSearchLimits', () => {
  it('returns the limits frozen', () => {
    const limits = checkSearchLimits(searchLimits({ depth: 50, maxExamples: 4 }));
    expect(limits).toEqual({
      defaultFirst: 10,
      maxFirst: 100,
      depth: 50,
      maxTextLength: 1000,
      maxExamples: 4,
    });
    expect(Object.isFrozen(limits)).toBe(true);
  });

  it.each([
    { defaultFirst: 0 },
    { maxFirst: 2.5 },
    { depth: -1 },
    { maxTextLength: Number.NaN },
    { maxExamples: 0 },
    { defaultFirst: 20, maxFirst: 10 },
  ])('refuses %o with a TypeError', (overrides) => {
    expect(() => checkSearchLimits(searchLimits(overrides))).toThrow(TypeError);
  });
});
