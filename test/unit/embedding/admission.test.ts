/**
 * Admission that fails fast (issue 10 item 7): a call that cannot be admitted whole fails
 * before any of its photos is decoded, with the image cache or without it; and a call's misses
 * still fail alone when one of them is a bad photo.
 */
import { ErrorCode, UnsupportedMediaTypeError } from '../../../src/errors/app-error';
import type { StagedEmbedder } from '../../../src/embedding/batching-embedder';
import { BatchingEmbedder } from '../../../src/embedding/batching-embedder';
import { CachingEmbedder } from '../../../src/embedding/caching-embedder';
import type { ImageEmbedding } from '../../../src/ports/embedder.port';
import { expectCode } from '../../helpers/expect-code';

/** Records every decode (prepareImage); model runs wait until `open()` is called. */
class GatedStagedEmbedder implements StagedEmbedder<number, string> {
  readonly modelId = 'gated';
  readonly dims = 2;
  readonly decoded: number[] = [];
  private waiting: Array<() => void> = [];
  private opened = false;

  prepareImage(bytes: Uint8Array): Promise<number> {
    const id = bytes[0] ?? 0;
    this.decoded.push(id);
    if (id === 0) return Promise.reject(new UnsupportedMediaTypeError('not an image'));
    return Promise.resolve(id);
  }

  async inferImages(images: readonly number[]): Promise<ImageEmbedding[]> {
    if (!this.opened) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return images.map((id) => ({
      vector: Float32Array.of(1, 0),
      width: id,
      height: id,
      format: 'png',
    }));
  }

  prepareText(text: string): Promise<string> {
    return Promise.resolve(text);
  }

  inferTexts(texts: readonly string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map(() => Float32Array.of(0, 1)));
  }

  open(): void {
    this.opened = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Yields to the event loop until `done` holds (hashing and admission are asynchronous). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

const photos = (...ids: number[]) => ids.map((id) => Uint8Array.of(id, 7, 7));

function setup(imageCacheSize: number) {
  const staged = new GatedStagedEmbedder();
  const batching = new BatchingEmbedder(staged, { maxBatchSize: 4, maxWaitMs: 0, maxQueue: 10 });
  const embedder = new CachingEmbedder(batching, { textCacheSize: 0, imageCacheSize });
  return { staged, batching, embedder };
}

describe.each([
  ['with the image cache', 4096],
  ['without the image cache', 0],
])('a product over capacity, %s', (_name, imageCacheSize) => {
  it('fails whole before any of its photos is decoded, while the admitted one finishes', async () => {
    const { staged, batching, embedder } = setup(imageCacheSize);
    const first = embedder.embedImages(photos(1, 2, 3, 4, 5, 6, 7, 8));
    await until(() => batching.queueDepth('image') === 8);
    const decodedBefore = staged.decoded.length;

    const error = await expectCode(
      embedder.embedImages(photos(11, 12, 13, 14, 15)),
      ErrorCode.OVERLOADED,
    );
    expect(error.details).toMatchObject({ kind: 'image', maxQueue: 10 });
    expect(staged.decoded.length).toBe(decodedBefore);
    expect(staged.decoded).not.toEqual(expect.arrayContaining([11]));

    staged.open();
    expect(await first).toHaveLength(8);
    expect(batching.queueDepth('image')).toBe(0);
  });
});

it("gives each miss its own outcome: a sibling's bad photo fails only its own call", async () => {
  const { staged, embedder } = setup(4096);
  staged.open();
  const [withBad, alone] = await Promise.allSettled([
    embedder.embedImages(photos(5, 0)),
    embedder.embedImages(photos(5)),
  ]);
  expect(withBad.status).toBe('rejected');
  expect(alone.status).toBe('fulfilled');
  // Photo 5 was decoded once for both calls (the second shared the first's computation).
  expect(staged.decoded.filter((id) => id === 5)).toHaveLength(1);
});

it('admits the misses of a call together, and a cached photo takes no slot', async () => {
  const { staged, batching, embedder } = setup(4096);
  staged.open();
  await embedder.embedImages(photos(1, 2));
  const decoded = staged.decoded.length;
  const pending = embedder.embedImages(photos(1, 2, 3));
  await new Promise((resolve) => setImmediate(resolve));
  expect(batching.queueDepth('image')).toBeLessThanOrEqual(1);
  expect(await pending).toHaveLength(3);
  expect(staged.decoded.length - decoded).toBe(1);
});
