/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** Micro-batching and caching over the real toy model: merged runs, per-caller results. */
import type { OnnxEmbedder } from '../../src/adapters/onnx/onnx-embedder';
import { dot } from '../../src/domain/vector';
import { ErrorCode } from '../../src/errors/app-error';
import { BatchingEmbedder } from '../../src/embedding/batching-embedder';
import { CachingEmbedder } from '../../src/embedding/caching-embedder';
import type { EmbeddingKind, InferenceObserver } from '../../src/embedding/inference-observer';
import type { ScheduleFn } from '../../src/embedding/micro-batcher';
import { colourPhoto, loadToyEmbedder } from '../helpers/toy-model';

/** Timers that never fire: batches go only when full, so the test does not depend on timing. */
const never: ScheduleFn = () => () => undefined;

class RecordingObserver implements InferenceObserver {
  readonly batches: Array<[EmbeddingKind, number]> = [];
  readonly lookups: Array<[EmbeddingKind, boolean]> = [];
  batch(kind: EmbeddingKind, size: number): void {
    this.batches.push([kind, size]);
  }
  cacheLookup(kind: EmbeddingKind, hit: boolean): void {
    this.lookups.push([kind, hit]);
  }
  queueDepth(): void {}
  rejected(): void {}
}

let onnx: OnnxEmbedder;
beforeAll(async () => {
  onnx = await loadToyEmbedder();
});
afterAll(() => onnx.close());

function batching(maxBatchSize: number, observer: InferenceObserver) {
  // The batcher does not own `onnx` here (it is shared by the tests): close() is never called.
  return new BatchingEmbedder(onnx, {
    maxBatchSize,
    maxWaitMs: 60_000,
    maxQueue: 64,
    observer,
    schedule: never,
  });
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((max, v, i) => Math.max(max, Math.abs(v - (b[i] as number))), 0);
}

it('merges concurrent callers into one ONNX run and gives each the vectors of a direct call', async () => {
  const observer = new RecordingObserver();
  const embedder = batching(6, observer);
  const names = [['red', 'blue'], ['green'], ['yellow', 'purple'], ['orange']];
  const calls = await Promise.all(
    names.map((group) => Promise.all(group.map((n, i) => colourPhoto(n, { noise: 20, seed: i })))),
  );
  const results = await Promise.all(calls.map((photos) => embedder.embedImages(photos)));
  expect(observer.batches).toEqual([['image', 6]]);
  for (const [c, photos] of calls.entries()) {
    const direct = await onnx.embedImages(photos);
    expect(results[c]).toHaveLength(photos.length);
    results[c]!.forEach((r, i) => {
      expect(maxDiff(r.vector, direct[i]!.vector)).toBeLessThan(1e-5);
      expect(r).toMatchObject({ width: 96, height: 64, format: 'png' });
    });
  }
});

it('merges concurrent text queries into one run, in each caller order', async () => {
  const observer = new RecordingObserver();
  const embedder = batching(4, observer);
  const calls = [['red', 'a blue bag'], ['green shoes'], ['grey socks']];
  const results = await Promise.all(calls.map((texts) => embedder.embedTexts(texts)));
  expect(observer.batches).toEqual([['text', 4]]);
  for (const [c, texts] of calls.entries()) {
    const direct = await onnx.embedTexts(texts);
    results[c]!.forEach((v, i) => expect(maxDiff(v, direct[i]!)).toBeLessThan(1e-5));
  }
});

it('fails only the caller whose photo is bad; its neighbours share a run', async () => {
  const observer = new RecordingObserver();
  const embedder = batching(2, observer);
  const [red, green, jpeg] = await Promise.all([
    colourPhoto('red'),
    colourPhoto('green'),
    colourPhoto('blue', { width: 400, height: 300, noise: 50, format: 'jpeg' }),
  ]);
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (error: { code?: unknown }) => error.code,
    );
  const outcomes = await Promise.all([
    embedder.embedImages([red!]).then((r) => r.length),
    code(embedder.embedImages([Buffer.from('not an image')])),
    code(embedder.embedImages([jpeg!.subarray(0, jpeg!.length / 2)])),
    embedder.embedImages([green!]).then((r) => r.length),
  ]);
  expect(outcomes).toEqual([1, ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.BAD_USER_INPUT, 1]);
  expect(observer.batches).toEqual([['image', 2]]);
});

it('with the cache in front, identical photos and texts never reach the model twice', async () => {
  const observer = new RecordingObserver();
  const embedder = new CachingEmbedder(batching(1, observer), {
    textCacheSize: 10,
    imageCacheSize: 10,
    observer,
  });
  const photo = await colourPhoto('pink', { noise: 10 });
  const [first] = await embedder.embedImages([photo]);
  const again = await embedder.embedImages([Buffer.from(photo), Buffer.from(photo)]);
  const [query] = await embedder.embedTexts(['  Pink ']);
  const [same] = await embedder.embedTexts(['pink']);
  expect(observer.batches).toEqual([
    ['image', 1],
    ['text', 1],
  ]);
  expect(again.map((e) => maxDiff(e.vector, first!.vector))).toEqual([0, 0]);
  expect(maxDiff(query!, same!)).toBe(0);
  expect(dot(query!, first!.vector)).toBeGreaterThan(0.5);
});
