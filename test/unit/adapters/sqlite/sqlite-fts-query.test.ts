import { MAX_QUERY_TERMS, toFtsQuery } from '../../../../src/adapters/sqlite/sqlite-fts-query';

describe('toFtsQuery', () => {
  it('quotes each distinct lower-cased term and ORs them', () => {
    expect(toFtsQuery('Red  shoes red')).toBe('"red" OR "shoes"');
  });

  it('turns FTS5 operators and syntax into plain words or separators', () => {
    expect(toFtsQuery('NEAR(lamp* -shade, 2) AND "x"')).toBe(
      '"near" OR "lamp" OR "shade" OR "2" OR "and" OR "x"',
    );
    expect(toFtsQuery('title:lamp ^lamp {a b}')).toBe('"title" OR "lamp" OR "a" OR "b"');
  });

  it('keeps letters of any script and accents (the tokenizer folds them)', () => {
    expect(toFtsQuery('Café 東京 naïve')).toBe('"café" OR "東京" OR "naïve"');
  });

  it('returns null when the text has no terms', () => {
    for (const text of ['', '  ', '"', '()*-^:', '!!! ---']) expect(toFtsQuery(text)).toBeNull();
  });

  it('caps the number of terms', () => {
    const text = Array.from({ length: MAX_QUERY_TERMS + 10 }, (_, i) => `w${i}`).join(' ');
    expect(toFtsQuery(text)?.split(' OR ')).toHaveLength(MAX_QUERY_TERMS);
  });
});
