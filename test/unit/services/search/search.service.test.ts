import type { SearchPage } from '../../../../src/services/search/search.service';
import { SearchService } from '../../../../src/services/search/search.service';
import { RecordingEmbedder } from '../../../fakes/recording-embedder';
import { ScriptedIndex } from '../../../fakes/scripted-product-index';
import { expectCode } from '../../../helpers/expect-code';

const limits = { defaultFirst: 10, maxFirst: 100, depth: 50, maxTextLength: 1000, maxExamples: 16 };
const png = new Uint8Array([1, 2, 3]);

function vectorHits(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    productId: `p${String(i).padStart(3, '0')}`,
    imageId: `p${i}#0`,
    similarity: 1 - i / 100,
  }));
}

function ids(page: SearchPage): string[] {
  return page.edges.map((e) => e.hit.productId);
}

describe('SearchService', () => {
  it('reads a single kNN list only as deep as the page and keeps cosine scores', async () => {
    const index = new ScriptedIndex(vectorHits(30));
    const service = new SearchService(new RecordingEmbedder(), index, limits);
    const page = await service.search({ image: png, first: 5 });
    expect(index.vectorQueries[0]!.k).toBe(6);
    expect(index.keywordQueries).toHaveLength(0);
    expect(page.edges[0]!.hit.score).toBeCloseTo(1, 6);
    expect(page.hasNextPage).toBe(true);
  });

  it('pushes minScore into an image-only kNN query', async () => {
    const index = new ScriptedIndex(vectorHits(30));
    const service = new SearchService(new RecordingEmbedder(), index, limits);
    const page = await service.search({ image: png, minScore: 0.955 });
    expect(index.vectorQueries[0]!.minSimilarity).toBe(0.955);
    expect(ids(page)).toEqual(['p000', 'p001', 'p002', 'p003', 'p004']);
    expect(page.hasNextPage).toBe(false);
  });

  it('fuses text kNN and keywords, reading a prefix first and never past the depth', async () => {
    const index = new ScriptedIndex(vectorHits(10), [{ productId: 'kw', score: 3 }]);
    const embedder = new RecordingEmbedder();
    const service = new SearchService(embedder, index, limits);
    const page = await service.search({ text: '  red shoes ', first: 3 });
    expect(embedder.textCalls).toEqual([['red shoes']]);
    // BM25 reads the whole depth while the text is embedded; it found a product, which a kNN
    // prefix could not place, so the kNN reads the whole depth too: one round.
    expect(index.vectorQueries.map((q) => q.k)).toEqual([50]);
    expect(index.keywordQueries).toEqual([expect.objectContaining({ text: 'red shoes', k: 50 })]);
    // kw and p000 both rank first in one list (1/61 each): the tie goes to the smaller id.
    expect(ids(page)).toEqual(['kw', 'p000', 'p001']);
  });

  it('reads only a kNN prefix when no product matches the words, with the same page', async () => {
    const index = new ScriptedIndex(vectorHits(80), []);
    // As with a real model: the vector arrives after the keyword list (a macrotask later).
    class ModelPaced extends RecordingEmbedder {
      override embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
        return new Promise((resolve) => setImmediate(resolve)).then(() => super.embedTexts(texts));
      }
    }
    const service = new SearchService(new ModelPaced(), index, limits);
    const page = await service.search({ text: 'zebra', first: 5 });
    expect(index.keywordQueries.map((q) => q.k)).toEqual([50]);
    expect(index.vectorQueries.map((q) => q.k)).toEqual([20]);
    expect(ids(page)).toEqual(['p000', 'p001', 'p002', 'p003', 'p004']);
    expect(page.edges[0]!.hit.score).toBe(1 / 61);
    expect(page.hasNextPage).toBe(true);
  });

  it('pages through fused results without repeats or gaps', async () => {
    const index = new ScriptedIndex(
      vectorHits(23),
      vectorHits(23)
        .reverse()
        .map((h, i) => ({ productId: h.productId, score: 23 - i })),
    );
    const service = new SearchService(new RecordingEmbedder(), index, limits);
    const seen: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await service.search({ image: png, text: 'x', first: 4, after });
      seen.push(...ids(page));
      if (!page.hasNextPage) break;
      after = page.endCursor ?? undefined;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
  });

  it('stops at the configured depth', async () => {
    const index = new ScriptedIndex(vectorHits(80), []);
    const service = new SearchService(new RecordingEmbedder(), index, limits);
    const first = await service.search({ text: 'x', first: 30 });
    const second = await service.search({ text: 'x', first: 30, after: first.endCursor! });
    expect(second.edges).toHaveLength(20);
    expect(second.hasNextPage).toBe(false);
  });

  it('rejects bad requests with BAD_USER_INPUT and touches nothing', async () => {
    const index = new ScriptedIndex(vectorHits(3));
    const embedder = new RecordingEmbedder();
    const service = new SearchService(embedder, index, limits);
    const bad = [
      {},
      { text: '   ' },
      { image: png, first: 0 },
      { image: png, first: 101 },
      { image: png, first: 2.5 },
      { image: png, after: 'not-a-cursor' },
      { image: png, filter: { minPrice: 10, maxPrice: 5 } },
      { image: png, filter: { minPrice: -1 } },
      { image: png, minScore: Number.NaN },
      { text: 'x', fusion: { weights: { keyword: -1 } } },
      { text: 'x'.repeat(1001) },
    ];
    for (const request of bad) {
      await expectCode(service.search(request), 'BAD_USER_INPUT');
    }
    expect(embedder.imageCalls).toHaveLength(0);
    expect(embedder.textCalls).toHaveLength(0);
    expect(index.vectorQueries).toHaveLength(0);
  });

  it('passes the filter to every list', async () => {
    const index = new ScriptedIndex(vectorHits(3), []);
    const service = new SearchService(new RecordingEmbedder(), index, limits);
    const filter = { category: 'shoes', tags: ['sale'], inStock: true, maxPrice: 20 };
    await service.search({ image: png, text: 'x', filter });
    expect(index.vectorQueries.map((q) => q.filter)).toEqual([filter, filter]);
    expect(index.keywordQueries[0]!.filter).toEqual(filter);
  });
});
