import type { ImageEmbedding } from '../../../../../src/ports/embedder.port';
import { UnsupportedMediaTypeError } from '../../../../../src/errors/app-error';
import type { VectorQuery } from '../../../../../src/ports/product-index.port';
import type {
  Example,
  ExamplesQuery,
} from '../../../../../src/services/search/query-kinds/examples.query';
import { examplesQuery } from '../../../../../src/services/search/query-kinds/examples.query';
import type { QueryContext } from '../../../../../src/services/search/query-kinds/query-kind';
import { InMemoryProductIndex } from '../../../../fakes/in-memory-product-index';
import { RecordingEmbedder } from '../../../../fakes/recording-embedder';
import { expectCode } from '../../../../helpers/expect-code';
import { axisVector, makeProduct } from '../../../../helpers/product-fixtures';

/** The in-memory index, recording the calls these tests count. */
class CountingIndex extends InMemoryProductIndex {
  readonly vectorQueries: VectorQuery[] = [];
  readonly vectorReads: string[][] = [];
  override searchVector(query: VectorQuery) {
    this.vectorQueries.push(query);
    return super.searchVector(query);
  }
  override getImageVectors(ids: readonly string[]) {
    this.vectorReads.push([...ids]);
    return super.getImageVectors(ids);
  }
}

const axis = (n: number) => axisVector(4, n);

async function catalog(): Promise<CountingIndex> {
  const index = new CountingIndex({ modelId: 'fake-model', dims: 4 });
  await index.open();
  await index.upsertMany([
    makeProduct({ id: 'a', vectors: [axis(0), axis(1)] }),
    makeProduct({ id: 'b', vectors: [axis(2)] }),
    makeProduct({ id: 'c', vectors: [axis(0)], category: 'x' }),
    makeProduct({ id: 'd', vectors: [axis(1)] }),
    makeProduct({ id: 'e', vectors: [axis(3)] }),
  ]);
  return index;
}

function context(
  index: CountingIndex,
  embedder = new RecordingEmbedder(),
  k = 10,
  exclude: readonly string[] = [],
): QueryContext {
  return { embedder, index, filter: {}, k, minSimilarity: undefined, exclude: new Set(exclude) };
}

const product = (productId: string, argument: string, imageId?: string): Example => ({
  source: { kind: 'product', productId, ...(imageId === undefined ? {} : { imageId }) },
  weight: 1,
  argument,
});

const query = (positive: Example[], negative: Example[] = []): ExamplesQuery => ({
  kind: 'examples',
  positive,
  negative,
});

describe('examplesQuery', () => {
  it('queries with the mean of a stored product photos, embeds nothing, and leaves it out', async () => {
    const index = await catalog();
    const embedder = new RecordingEmbedder();
    const lists = await examplesQuery.build(
      query([product('a', 'similarTo.0')]),
      context(index, embedder, 10, ['a']),
    );
    expect(embedder.imageCalls).toEqual([]);
    expect(embedder.textCalls).toEqual([]);
    expect(index.vectorReads).toEqual([['a']]);
    // q = (1, 1, 0, 0) / sqrt2: c and d at cos 1/sqrt2, b and e at 0; a itself never.
    expect(lists).toHaveLength(1);
    expect(lists[0]!.weightKey).toBe('examples');
    expect(lists[0]!.scale).toBe('cosine');
    expect(lists[0]!.items.map((item) => item.productId)).toEqual(['c', 'd', 'b', 'e']);
    expect(lists[0]!.items[0]!.score).toBeCloseTo(Math.SQRT1_2, 6);
    expect(index.vectorQueries[0]!.vector[0]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('reads as many more as it leaves out, so the list still holds k items', async () => {
    const index = await catalog();
    const lists = await examplesQuery.build(
      query([product('a', 'recommend.positive.0')], [product('c', 'recommend.negative.0')]),
      context(index, new RecordingEmbedder(), 2, ['a', 'c']),
    );
    expect(index.vectorQueries.map((q) => q.k)).toEqual([4]);
    expect(lists[0]!.items).toHaveLength(2);
    expect(lists[0]!.items.map((item) => item.productId)).not.toContain('a');
    expect(lists[0]!.items.map((item) => item.productId)).not.toContain('c');
    // p = (1, 1, 0, 0)/sqrt2, n = (1, 0, 0, 0): 2p - n = (sqrt2 - 1, sqrt2, 0, 0), so d leads.
    expect(lists[0]!.items[0]!.productId).toBe('d');
    expect(lists[0]).not.toHaveProperty('asked');
  });

  it('uses only the photo imageId names', async () => {
    const index = await catalog();
    const lists = await examplesQuery.build(
      query([product('a', 'similarTo.0', 'a#0')]),
      context(index, new RecordingEmbedder(), 10, ['a']),
    );
    expect(lists[0]!.items[0]).toEqual({ productId: 'c', imageId: 'c#0', score: 1 });
  });

  it('embeds every photo in one call and every text in one call', async () => {
    const index = await catalog();
    const embedder = new RecordingEmbedder();
    const photo = (byte: number, argument: string): Example => ({
      source: { kind: 'photo', image: new Uint8Array([byte]) },
      weight: 1,
      argument,
    });
    const text = (words: string, argument: string): Example => ({
      source: { kind: 'text', text: words },
      weight: 1,
      argument,
    });
    await examplesQuery.build(
      query(
        [photo(1, 'p0'), text('ab', 'p1'), photo(2, 'p2')],
        [text('abc', 'n0'), product('e', 'n1')],
      ),
      context(index, embedder),
    );
    expect(embedder.imageCalls).toEqual([2]);
    expect(embedder.textCalls).toEqual([['ab', 'abc']]);
    expect(index.vectorReads).toEqual([['e']]);
  });

  it('reads and embeds the examples once however many times the lists are built', async () => {
    const index = await catalog();
    const embedder = new RecordingEmbedder();
    const part = query([
      product('a', 'similarTo.0'),
      { source: { kind: 'text', text: 'ab' }, weight: 2, argument: 'recommend.positive.0' },
    ]);
    await examplesQuery.build(part, context(index, embedder, 2, ['a']));
    await examplesQuery.build(part, context(index, embedder, 4, ['a']));
    expect(index.vectorReads).toEqual([['a']]);
    expect(embedder.textCalls).toEqual([['ab']]);
    expect(index.vectorQueries.map((q) => q.k)).toEqual([3, 5]);
  });

  it('an unknown product fails with NOT_FOUND naming the example', async () => {
    const index = await catalog();
    const error = await expectCode(
      examplesQuery.build(
        query([product('a', 'recommend.positive.0'), product('zz', 'recommend.positive.1')]),
        context(index),
      ),
      'NOT_FOUND',
    );
    expect(error.details).toEqual({ argument: 'recommend.positive.1', productId: 'zz' });
    expect(index.vectorQueries).toEqual([]);
  });

  it('an unknown image of a known product fails with NOT_FOUND naming both', async () => {
    const index = await catalog();
    const error = await expectCode(
      examplesQuery.build(query([product('a', 'similarTo.0', 'a#7')]), context(index)),
      'NOT_FOUND',
    );
    expect(error.details).toEqual({ argument: 'similarTo.0', productId: 'a', imageId: 'a#7' });
  });

  it('a product without stored vectors fails with BAD_USER_INPUT NO_VECTORS', async () => {
    const index = await catalog();
    await index.upsert(makeProduct({ id: 'bare', vectors: [] }));
    const error = await expectCode(
      examplesQuery.build(query([product('bare', 'similarTo.0')]), context(index)),
      'BAD_USER_INPUT',
    );
    expect(error.details).toMatchObject({ argument: 'similarTo.0', reason: 'NO_VECTORS' });
  });

  it('examples that cancel out fail with BAD_USER_INPUT', async () => {
    const index = await catalog();
    await index.upsert(makeProduct({ id: 'anti-c', vectors: [new Float32Array([-1, 0, 0, 0])] }));
    const error = await expectCode(
      examplesQuery.build(
        query([product('c', 'similarTo.0'), product('anti-c', 'similarTo.1')]),
        context(index),
      ),
      'BAD_USER_INPUT',
    );
    expect(error.details).toMatchObject({ reason: 'EXAMPLES_CANCEL_OUT' });
    expect(index.vectorQueries).toEqual([]);
  });

  it('names the photo the model refused, among several', async () => {
    class Picky extends RecordingEmbedder {
      override embedImages(images: readonly Uint8Array[]): Promise<ImageEmbedding[]> {
        if (images.some((bytes) => bytes[0] === 255)) {
          return Promise.reject(new UnsupportedMediaTypeError('not an image'));
        }
        return super.embedImages(images);
      }
    }
    const index = await catalog();
    const photo = (byte: number, argument: string): Example => ({
      source: { kind: 'photo', image: new Uint8Array([byte]) },
      weight: 1,
      argument,
    });
    const error = await expectCode(
      examplesQuery.build(
        query([photo(1, 'recommend.positive.0'), photo(255, 'recommend.positive.1')]),
        context(index, new Picky()),
      ),
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(error.details).toMatchObject({ argument: 'recommend.positive.1' });
  });
});
