import { DateTimeScalar } from '../../../src/graphql/scalars';

describe('DateTime', () => {
  it('serialises the domain’s ISO 8601 strings to the same string', () => {
    for (const stamp of ['2026-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z']) {
      expect(DateTimeScalar.serialize(stamp)).toBe(stamp);
    }
  });

  it('serialises a Date to its toISOString() form, a string and not a Date', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe(
      '2026-01-02T03:04:05.006Z',
    );
  });

  it('keeps the name and description the SDL gives it', () => {
    expect([DateTimeScalar.name, DateTimeScalar.description]).toEqual([
      'DateTime',
      'ISO 8601 date-time string.',
    ]);
  });
});
