import {
  filterClauses,
  keywordSearchBody,
  NUM_CANDIDATES_FLOOR,
  scoreToCosine,
  SIMILARITY_SLACK,
  TIE_HEADROOM,
  vectorSearchBody,
} from '../../../../src/adapters/elasticsearch/elasticsearch-queries';
import {
  toKeywordHits,
  toVectorHits,
  type EsHit,
} from '../../../../src/adapters/elasticsearch/elasticsearch-documents';

describe('elasticsearch query builders', () => {
  it('turns every filter field into a bool-filter clause, one term per distinct tag', () => {
    expect(filterClauses({})).toEqual([]);
    expect(
      filterClauses({
        category: 'shoes',
        minPrice: 5,
        maxPrice: 9.5,
        inStock: false,
        tags: ['a', 'b', 'a'],
      }),
    ).toEqual([
      { term: { category: 'shoes' } },
      { range: { price: { gte: 5, lte: 9.5 } } },
      { term: { inStock: false } },
      { term: { tags: 'a' } },
      { term: { tags: 'b' } },
    ]);
    expect(filterClauses({ maxPrice: 0 })).toEqual([{ range: { price: { lte: 0 } } }]);
  });

  it('builds a nested kNN with the filter inside knn, rescoring and the matched image', () => {
    const body = vectorSearchBody({
      vector: Float32Array.of(1, 0),
      filter: { category: 'x' },
      k: 10,
      minSimilarity: 0.5,
    });
    const size = 10 + TIE_HEADROOM;
    expect(body).toEqual({
      knn: {
        field: 'images.vector',
        query_vector: [1, 0],
        k: size,
        num_candidates: Math.max(size * 10, NUM_CANDIDATES_FLOOR),
        rescore_vector: { oversample: 3 },
        inner_hits: { size: 1, _source: false, docvalue_fields: ['images.id'] },
        filter: [{ term: { category: 'x' } }],
        similarity: 0.5 - SIMILARITY_SLACK,
      },
      size,
      _source: false,
      track_total_hits: false,
    });
  });

  it('keeps num_candidates within [floor, 10000] and omits empty filters and similarity', () => {
    const small = vectorSearchBody({ vector: Float32Array.of(1), filter: {}, k: 1 });
    expect(small.knn).toMatchObject({ num_candidates: NUM_CANDIDATES_FLOOR });
    expect(small.knn).not.toHaveProperty('filter');
    expect(small.knn).not.toHaveProperty('similarity');
    const huge = vectorSearchBody({ vector: Float32Array.of(1), filter: {}, k: 50_000 });
    expect(huge.knn).toMatchObject({ k: 10_000, num_candidates: 10_000 });
  });

  it('builds a BM25 multi_match over weighted title and description with the same filter', () => {
    const body = keywordSearchBody({ text: 'red shoe', filter: { inStock: true }, k: 3 });
    expect(body).toEqual({
      query: {
        bool: {
          must: {
            multi_match: {
              query: 'red shoe',
              fields: ['title^2', 'description'],
              type: 'most_fields',
              operator: 'or',
            },
          },
          filter: [{ term: { inStock: true } }],
        },
      },
      size: 3 + TIE_HEADROOM,
      _source: false,
      track_total_hits: false,
    });
  });

  it('maps the cosine score (1 + cos) / 2 back to cosine', () => {
    expect(scoreToCosine(1)).toBe(1);
    expect(scoreToCosine(0.5)).toBe(0);
    expect(scoreToCosine(0)).toBe(-1);
  });
});

describe('elasticsearch response mapping', () => {
  const hit = (id: string, score: number, image: string | null): EsHit => ({
    _id: id,
    _score: score,
    inner_hits:
      image === null
        ? undefined
        : { images: { hits: { hits: [{ fields: { images: [{ id: [image] }] } }] } } },
  });

  it('orders kNN hits by similarity then productId, cuts below minSimilarity and at k', () => {
    const hits = [
      hit('b', 0.9, 'b#0'),
      hit('a', 0.9, 'a#1'),
      hit('c', 0.95, 'c#0'),
      hit('d', 0.7, 'd#0'),
    ];
    expect(toVectorHits(hits, 3, undefined)).toEqual([
      { productId: 'c', imageId: 'c#0', similarity: 0.8999999999999999 },
      { productId: 'a', imageId: 'a#1', similarity: 0.8 },
      { productId: 'b', imageId: 'b#0', similarity: 0.8 },
    ]);
    expect(toVectorHits(hits, 10, 0.5).map((h) => h.productId)).toEqual(['c', 'a', 'b']);
  });

  it('reads the matched image from docvalue_fields (flat) as from the fields API (nested)', () => {
    const flat: EsHit = {
      _id: 'a',
      _score: 0.75,
      inner_hits: { images: { hits: { hits: [{ fields: { 'images.id': ['a#2'] } }] } } },
    };
    expect(toVectorHits([flat, hit('b', 0.75, 'b#1')], 10, undefined)).toEqual([
      { productId: 'a', imageId: 'a#2', similarity: 0.5 },
      { productId: 'b', imageId: 'b#1', similarity: 0.5 },
    ]);
  });

  it('skips hits without a matched image and orders keyword ties by productId', () => {
    expect(toVectorHits([hit('a', 0.9, null)], 10, undefined)).toEqual([]);
    expect(toKeywordHits([hit('b', 2, null), hit('a', 2, null), hit('c', 3, null)], 2)).toEqual([
      { productId: 'c', score: 3 },
      { productId: 'a', score: 2 },
    ]);
  });
});
