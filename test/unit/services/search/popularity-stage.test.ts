import { searchLimits } from '../../../helpers/search-limits';
import type { PopularitySource } from '../../../../src/services/search/result-stages/popularity.stage';
import type { SearchPage, SearchRequest } from '../../../../src/services/search/search.service';
import { SearchService } from '../../../../src/services/search/search.service';
import { RecordingEmbedder } from '../../../fakes/recording-embedder';
import { ScriptedIndex } from '../../../fakes/scripted-product-index';
import { expectCode } from '../../../helpers/expect-code';

const limits = searchLimits({ depth: 50 });
const png = new Uint8Array([1, 2, 3]);

function vectorHits(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    productId: `p${String(i).padStart(3, '0')}`,
    imageId: `p${i}#0`,
    similarity: 1 - i / 100,
  }));
}
const keywordHits = (n: number) =>
  vectorHits(n)
    .reverse()
    .map((hit, i) => ({ productId: hit.productId, score: n - i }));

/** Popularity from a fixed table, recording what it was asked. */
class TablePopularity implements PopularitySource {
  readonly asked: Array<{ ids: string[]; text: string | undefined }> = [];
  constructor(private readonly table: Record<string, number>) {}
  async popularity(ids: readonly string[], text: string | undefined) {
    this.asked.push({ ids: [...ids], text });
    return new Map(Object.entries(this.table).filter(([id]) => ids.includes(id)));
  }
}

function setup(popularity?: PopularitySource) {
  const index = new ScriptedIndex(vectorHits(40), keywordHits(40));
  return {
    index,
    service: new SearchService(new RecordingEmbedder(), index, limits, undefined, popularity),
  };
}

const ids = (page: SearchPage) => page.edges.map((edge) => edge.hit.productId);

describe('popularity stage', () => {
  const requests: SearchRequest[] = [
    { image: png, first: 5 },
    { text: 'red shoes', first: 5 },
    { image: png, text: 'red', first: 7, minScore: 0.02 },
    { image: png, first: 3, minScore: 0.9 },
  ];

  it.each(requests)(
    'leaves %j exactly as today with weight 0 (byte for byte, same reads)',
    async (request) => {
      const without = setup();
      const popular = new TablePopularity({ p030: 0.99, p010: 0.5 });
      const zero = setup(popular);
      const base = await without.service.search(request);
      const weighted = await zero.service.search({ ...request, popularityWeight: 0 });
      const absent = await zero.service.search(request);
      expect(JSON.stringify(weighted)).toBe(JSON.stringify(base));
      expect(JSON.stringify(absent)).toBe(JSON.stringify(base));
      expect(popular.asked).toEqual([]);
      const reads = (s: ReturnType<typeof setup>) => [
        s.index.vectorQueries.map((q) => q.k),
        s.index.keywordQueries.map((q) => q.k),
      ];
      const [vectorK, keywordK] = reads(zero);
      expect(vectorK).toEqual([
        ...(reads(without)[0] as number[]),
        ...(reads(without)[0] as number[]),
      ]);
      expect(keywordK).toEqual([
        ...(reads(without)[1] as number[]),
        ...(reads(without)[1] as number[]),
      ]);
    },
  );

  it('adds weight * pop to each score, re-ranks the whole depth and reads it all', async () => {
    const popular = new TablePopularity({ p030: 0.9, p001: 0.1 });
    const { index, service } = setup(popular);
    const page = await service.search({ image: png, first: 3, popularityWeight: 0.5 });
    // A single list is read the whole depth (40 items exist), not just the page.
    expect(index.vectorQueries.map((q) => q.k)).toEqual([50]);
    // p030: 0.70 + 0.45 = 1.15; p001: 0.99 + 0.05 = 1.04; p000: 1.00.
    expect(ids(page)).toEqual(['p030', 'p001', 'p000']);
    expect(page.edges[0]!.hit.score).toBeCloseTo(0.7 + 0.45, 12);
    expect(page.edges[1]!.hit.score).toBeCloseTo(0.99 + 0.05, 12);
    expect(page.edges[2]!.hit.score).toBe(1);
    expect(popular.asked).toEqual([
      { ids: vectorHits(40).map((h) => h.productId), text: undefined },
    ]);
  });

  it('hands the search text to popularity, for its per-query counts', async () => {
    const popular = new TablePopularity({});
    const { service } = setup(popular);
    await service.search({ text: '  Red Shoes ', popularityWeight: 0.1 });
    expect(popular.asked[0]?.text).toBe('Red Shoes');
  });

  it('applies minScore to the relevance score, before the blend', async () => {
    const popular = new TablePopularity({ p020: 0.9, p001: 0.9 });
    const { service } = setup(popular);
    const page = await service.search({ image: png, minScore: 0.95, popularityWeight: 1 });
    // p020 (0.80) is below minScore: popularity cannot bring it back.
    expect(ids(page)).toEqual(['p001', 'p000', 'p002', 'p003', 'p004', 'p005']);
  });

  it('pages through the blended ranking without repeats or gaps', async () => {
    const popular = new TablePopularity({ p025: 0.8, p012: 0.6, p003: 0.2 });
    const { service } = setup(popular);
    const whole = await service.search({ image: png, first: 40, popularityWeight: 0.3 });
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page: SearchPage = await service.search({
        image: png,
        first: 7,
        popularityWeight: 0.3,
        ...(after === undefined ? {} : { after }),
      });
      seen.push(...ids(page));
      after = page.hasNextPage ? (page.endCursor ?? undefined) : undefined;
    } while (after !== undefined);
    expect(seen).toEqual(ids(whole));
  });

  it.each([-0.1, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses popularityWeight %s with BAD_USER_INPUT',
    async (weight) => {
      const { service } = setup(new TablePopularity({}));
      const error = await expectCode(
        service.search({ image: png, popularityWeight: weight }),
        'BAD_USER_INPUT',
      );
      expect(error.details).toMatchObject({ argument: 'popularityWeight' });
    },
  );
});
