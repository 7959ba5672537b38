import { imageQuery } from '../../../../../src/services/search/query-kinds/image.query';
import type { QueryContext } from '../../../../../src/services/search/query-kinds/query-kind';
import { RecordingEmbedder } from '../../../../fakes/recording-embedder';
import { ScriptedIndex } from '../../../../fakes/scripted-product-index';

const hits = [
  { productId: 'a', imageId: 'a#0', similarity: 0.9 },
  { productId: 'b', imageId: 'b#2', similarity: 0.4 },
];

function context(index: ScriptedIndex, embedder = new RecordingEmbedder()): QueryContext {
  return { embedder, index, filter: { category: 'shoes' }, k: 7, minSimilarity: 0.3 };
}

describe('imageQuery', () => {
  it('embeds the photo once and returns one cosine list weighed as image', async () => {
    const embedder = new RecordingEmbedder();
    const lists = await imageQuery.build(
      { kind: 'image', image: new Uint8Array([2]) },
      context(new ScriptedIndex(hits), embedder),
    );
    expect(embedder.imageCalls).toEqual([1]);
    expect(lists).toEqual([
      {
        weightKey: 'image',
        scale: 'cosine',
        items: [
          { productId: 'a', imageId: 'a#0', score: 0.9 },
          { productId: 'b', imageId: 'b#2', score: 0.4 },
        ],
      },
    ]);
    expect(imageQuery.listCount).toBe(lists.length);
  });

  it('asks the index with the photo vector, the filter, k and the cosine floor', async () => {
    const index = new ScriptedIndex(hits);
    await imageQuery.build({ kind: 'image', image: new Uint8Array([2]) }, context(index));
    expect(index.vectorQueries).toEqual([
      {
        vector: new Float32Array([0, 0, 1, 0]),
        filter: { category: 'shoes' },
        k: 7,
        minSimilarity: 0.3,
      },
    ]);
    expect(index.keywordQueries).toEqual([]);
  });
});
