import { parseFusion } from '../../../scripts/eval/eval-fusion';
import {
  meanMetrics,
  ndcgAt,
  queryMetrics,
  recallAt,
  reciprocalRank,
} from '../../../scripts/eval/eval-metrics';
import { parseQrels } from '../../../scripts/eval/eval-qrels';

// Expected values worked by hand from the definitions in scripts/eval/eval-metrics.ts.
const grades = new Map([
  ['a', 3],
  ['b', 1],
  ['c', 0],
]);

describe('eval metrics', () => {
  it('recall@k counts relevant products (grade > 0) in the top k', () => {
    expect(recallAt(['c', 'b', 'x', 'a'], grades, 1)).toBe(0);
    expect(recallAt(['c', 'b', 'x', 'a'], grades, 2)).toBe(0.5);
    expect(recallAt(['c', 'b', 'x', 'a'], grades, 10)).toBe(1);
  });

  it('MRR is 1 / rank of the first relevant product, 0 when none comes back', () => {
    expect(reciprocalRank(['c', 'x', 'b'], grades)).toBeCloseTo(1 / 3);
    expect(reciprocalRank(['c', 'x'], grades)).toBe(0);
  });

  it('nDCG@10 uses 2^grade - 1 gains and the ideal order of the judged products', () => {
    expect(ndcgAt(['a', 'b'], grades, 10)).toBe(1);
    // DCG = 1 / log2(2) + 7 / log2(3); ideal = 7 / log2(2) + 1 / log2(3).
    const expected = (1 + 7 / Math.log2(3)) / (7 + 1 / Math.log2(3));
    expect(ndcgAt(['b', 'a'], grades, 10)).toBeCloseTo(expected, 12);
    expect(ndcgAt(['x', 'c'], grades, 10)).toBe(0);
  });

  it('averages per metric', () => {
    const mean = meanMetrics([queryMetrics(['a', 'b'], grades), queryMetrics(['x'], grades)]);
    expect(mean).toEqual({
      recallAt1: 0.25,
      recallAt5: 0.5,
      recallAt10: 0.5,
      mrr: 0.5,
      ndcgAt10: 0.5,
    });
    expect(meanMetrics([]).mrr).toBe(0);
  });
});

describe('qrels and fusion parsing', () => {
  it('reads text, photo (relative to the file) and both, with binary or graded judgements', () => {
    const queries = parseQrels(
      [
        '# comment',
        '{"id":"t","text":"red shoe","relevant":["a"]}',
        '',
        '{"image":"p/x.jpg","relevant":{"a":2,"b":0}}',
        '{"id":"both","text":"red","image":"/abs/y.png","relevant":["a","b"]}',
      ].join('\n'),
      '/data/qrels.jsonl',
    );
    expect(queries.map((q) => [q.id, q.kind, q.image])).toEqual([
      ['t', 'text', undefined],
      ['/data/qrels.jsonl:4', 'image', '/data/p/x.jpg'],
      ['both', 'text+image', '/abs/y.png'],
    ]);
    expect([...(queries[1]?.grades ?? [])]).toEqual([
      ['a', 2],
      ['b', 0],
    ]);
  });

  it.each([
    ['{"relevant":["a"]}', 'needs "text", "image" or both'],
    ['{"text":"x","relevant":{"a":0}}', 'no relevant product'],
    ['{"text":"x","relevant":{"a":"high"}}', '"relevant" must be'],
    ['not json', 'not JSON'],
  ])('refuses %s, naming the line', (line, reason) => {
    expect(() => parseQrels(line, 'q.jsonl')).toThrow(`q.jsonl:1: ${reason}`.split(': ')[0]);
    expect(() => parseQrels(line, 'q.jsonl')).toThrow(reason);
  });

  it('parses fusion specs into the service FusionInput', () => {
    expect(parseFusion('default')).toEqual({ name: 'default' });
    expect(parseFusion('rrf')).toEqual({ name: 'rrf', fusion: { mode: 'RRF' } });
    expect(parseFusion('linear:image=0.5,keyword=2,rrfK=20').fusion).toEqual({
      mode: 'LINEAR',
      imageWeight: 0.5,
      keywordWeight: 2,
      rrfK: 20,
    });
    expect(() => parseFusion('bm25')).toThrow(TypeError);
    expect(() => parseFusion('rrf:image=-1')).toThrow(TypeError);
    expect(() => parseFusion('rrf:colour=1')).toThrow(TypeError);
  });
});
