import type { QueryContext } from '../../../../../src/services/search/query-kinds/query-kind';
import { textQuery } from '../../../../../src/services/search/query-kinds/text.query';
import { RecordingEmbedder } from '../../../../fakes/recording-embedder';
import { ScriptedIndex } from '../../../../fakes/scripted-product-index';

function context(index: ScriptedIndex, embedder = new RecordingEmbedder()): QueryContext {
  return { embedder, index, filter: { inStock: true }, k: 40, minSimilarity: undefined };
}

describe('textQuery', () => {
  it('returns a cosine list of the text vector, then a BM25 list, each with its weight key', async () => {
    const index = new ScriptedIndex(
      [{ productId: 'v', imageId: 'v#1', similarity: 0.2 }],
      [{ productId: 'k', score: 7.5 }],
    );
    const embedder = new RecordingEmbedder();
    const lists = await textQuery.build(
      { kind: 'text', text: 'red shoes' },
      context(index, embedder),
    );
    expect(embedder.textCalls).toEqual([['red shoes']]);
    expect(lists).toEqual([
      {
        weightKey: 'text',
        scale: 'cosine',
        items: [{ productId: 'v', imageId: 'v#1', score: 0.2 }],
      },
      {
        weightKey: 'keyword',
        scale: 'bm25',
        items: [{ productId: 'k', imageId: null, score: 7.5 }],
      },
    ]);
    expect(textQuery.listCount).toBe(lists.length);
  });

  it('sends the same filter and k to both lists, and the raw text to the keyword search', async () => {
    const index = new ScriptedIndex();
    await textQuery.build({ kind: 'text', text: 'lamp' }, context(index));
    expect(index.vectorQueries).toEqual([
      { vector: new Float32Array([1, 0, 0, 0]), filter: { inStock: true }, k: 40 },
    ]);
    expect(index.keywordQueries).toEqual([{ text: 'lamp', filter: { inStock: true }, k: 40 }]);
  });

  it('starts the keyword search while the text is still being embedded', async () => {
    const index = new ScriptedIndex([], [{ productId: 'k', score: 1 }]);
    let release: () => void = () => undefined;
    const embedder = new RecordingEmbedder();
    const slow = Object.assign(Object.create(embedder) as RecordingEmbedder, {
      embedTexts: (texts: readonly string[]) =>
        new Promise<Float32Array[]>((resolve) => {
          release = () => resolve(texts.map(() => new Float32Array([0, 1, 0, 0])));
        }),
    });
    const built = textQuery.build({ kind: 'text', text: 'lamp' }, context(index, slow));
    await Promise.resolve();
    expect(index.keywordQueries).toHaveLength(1);
    expect(index.vectorQueries).toHaveLength(0);
    release();
    const lists = await built;
    expect(lists.map((l) => l.weightKey)).toEqual(['text', 'keyword']);
    expect(index.vectorQueries).toHaveLength(1);
  });
});
