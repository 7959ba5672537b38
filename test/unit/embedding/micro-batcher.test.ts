import { ErrorCode, UnsupportedMediaTypeError } from '../../../src/errors/app-error';
import type { StagedEmbedder } from '../../../src/embedding/batching-embedder';
import { BatchingEmbedder } from '../../../src/embedding/batching-embedder';
import type { EmbeddingKind, InferenceObserver } from '../../../src/embedding/inference-observer';
import type { ScheduleFn } from '../../../src/embedding/micro-batcher';
import { MicroBatcher } from '../../../src/embedding/micro-batcher';
import type { ImageEmbedding } from '../../../src/ports/embedder.port';
// Both attach their handlers at once, so a rejection awaited later never goes unhandled.
import { codeOf, rejectionOf } from '../../helpers/expect-code';

/** A schedule function whose timers fire only when the test says so. */
class ManualSchedule {
  readonly timers: Array<{ callback: () => void; delayMs: number; cancelled: boolean }> = [];
  readonly fn: ScheduleFn = (callback, delayMs) => {
    const timer = { callback, delayMs, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };

  get armed(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  fireAll(): void {
    for (const timer of this.timers.splice(0)) if (!timer.cancelled) timer.callback();
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every already-settled promise chain run (one macrotask turn; no timing involved). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Records every preparation and every run; runs finish only when the test says so. Image
 * bytes [n] prepare to n (n = 0 is not an image); an image n embeds to [n, 0].
 */
class RecordingStaged implements StagedEmbedder<number, string> {
  readonly modelId = 'fake-model';
  readonly dims = 2;
  readonly prepared: number[] = [];
  readonly runs: Array<{ kind: EmbeddingKind; items: unknown[]; done: Deferred<unknown[]> }> = [];
  /** Images whose preparation lasts until the test settles it (a slow decode). */
  readonly held = new Map<number, Deferred<number>>();
  closed = false;

  /** The next preparation of image `n` waits for the returned deferred. */
  hold(n: number): Deferred<number> {
    const d = deferred<number>();
    this.held.set(n, d);
    return d;
  }

  prepareImage(bytes: Uint8Array): Promise<number> {
    const n = bytes[0] ?? 0;
    this.prepared.push(n);
    const held = this.held.get(n);
    if (held !== undefined) return held.promise;
    if (n === 0) return Promise.reject(new UnsupportedMediaTypeError('not an image'));
    return Promise.resolve(n);
  }
  inferImages(items: readonly number[]): Promise<ImageEmbedding[]> {
    return this.record('image', items) as Promise<ImageEmbedding[]>;
  }
  prepareText(text: string): Promise<string> {
    return Promise.resolve(text.toUpperCase());
  }
  inferTexts(items: readonly string[]): Promise<Float32Array[]> {
    return this.record('text', items) as Promise<Float32Array[]>;
  }
  ping(): Promise<void> {
    return this.closed ? Promise.reject(new Error('closed')) : Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private record(kind: EmbeddingKind, items: readonly unknown[]): Promise<unknown[]> {
    const done = deferred<unknown[]>();
    this.runs.push({ kind, items: [...items], done });
    return done.promise;
  }

  /** Finishes run `i` with one result per item. */
  finish(i: number): void {
    const run = this.runs[i]!;
    run.done.resolve(
      run.items.map((item) =>
        run.kind === 'image'
          ? { vector: Float32Array.of(item as number, 0), width: 1, height: 1, format: 'png' }
          : Float32Array.of((item as string).length, 0),
      ),
    );
  }
}

class RecordingObserver implements InferenceObserver {
  readonly batches: Array<[EmbeddingKind, number, boolean]> = [];
  readonly depths: Array<[EmbeddingKind, number]> = [];
  rejectedCount = 0;
  batch(kind: EmbeddingKind, size: number, _durationMs: number, failed: boolean): void {
    this.batches.push([kind, size, failed]);
  }
  queueDepth(kind: EmbeddingKind, depth: number): void {
    this.depths.push([kind, depth]);
  }
  rejected(_kind: EmbeddingKind, count: number): void {
    this.rejectedCount += count;
  }
  cacheLookup(): void {}
}

function setup(options: { maxBatchSize?: number; maxQueue?: number } = {}) {
  const inner = new RecordingStaged();
  const schedule = new ManualSchedule();
  const observer = new RecordingObserver();
  const embedder = new BatchingEmbedder(inner, {
    maxBatchSize: options.maxBatchSize ?? 16,
    maxWaitMs: 5,
    maxQueue: options.maxQueue ?? 256,
    schedule: schedule.fn,
    observer,
  });
  return { inner, schedule, observer, embedder };
}

const img = (...ns: number[]) => ns.map((n) => Uint8Array.of(n));
const firstFloats = (embeddings: ImageEmbedding[]) => embeddings.map((e) => e.vector[0]);

describe('BatchingEmbedder: merging', () => {
  it('merges calls that arrive together into one run, at once when nobody else is preparing', async () => {
    const { inner, schedule, embedder } = setup();
    const a = embedder.embedImages(img(1, 2));
    const b = embedder.embedImages(img(3));
    const c = embedder.embedImages(img(4));
    await settle();
    // Everything admitted has arrived: waiting for the window would only add latency.
    expect(inner.runs.map((r) => r.items)).toEqual([[1, 2, 3, 4]]);
    expect(schedule.armed).toBe(0);
    inner.finish(0);
    expect(firstFloats(await a)).toEqual([1, 2]);
    expect(firstFloats(await b)).toEqual([3]);
    expect(firstFloats(await c)).toEqual([4]);
  });

  it('a lone caller runs without waiting for the window', async () => {
    const { inner, schedule, embedder } = setup();
    const lone = embedder.embedImages(img(1, 2, 3));
    await settle();
    expect(inner.runs.map((r) => r.items)).toEqual([[1, 2, 3]]);
    expect(schedule.timers).toHaveLength(0);
    inner.finish(0);
    expect(firstFloats(await lone)).toEqual([1, 2, 3]);
  });

  it('an idle model waits for callers still preparing, and runs as soon as they arrive', async () => {
    const { inner, schedule, embedder } = setup();
    const slow = inner.hold(7);
    const a = embedder.embedImages(img(1));
    const b = embedder.embedImages(img(7));
    await settle();
    expect(inner.runs).toHaveLength(0); // image 7 is still decoding
    expect(schedule.armed).toBe(1);
    expect(schedule.timers[0]!.delayMs).toBe(5);
    slow.resolve(7);
    await settle();
    expect(inner.runs.map((r) => r.items)).toEqual([[1, 7]]);
    expect(schedule.armed).toBe(0); // its arrival cancelled the window
    inner.finish(0);
    expect(firstFloats(await a)).toEqual([1]);
    expect(firstFloats(await b)).toEqual([7]);
  });

  it('waits for a preparing caller no longer than maxWaitMs', async () => {
    const { inner, schedule, embedder } = setup();
    const slow = inner.hold(7);
    const a = embedder.embedImages(img(1));
    const b = embedder.embedImages(img(7));
    await settle();
    schedule.fireAll(); // the window closes before image 7 is decoded
    expect(inner.runs.map((r) => r.items)).toEqual([[1]]);
    slow.resolve(7);
    await settle();
    expect(inner.runs).toHaveLength(1); // the model is busy: 7 waits for the run to end
    inner.finish(0);
    await settle();
    expect(inner.runs.map((r) => r.items)).toEqual([[1], [7]]);
    inner.finish(1);
    expect(firstFloats(await a)).toEqual([1]);
    expect(firstFloats(await b)).toEqual([7]);
  });

  it('a caller whose preparation fails stops holding its peers up', async () => {
    const { inner, schedule, embedder } = setup();
    const broken = inner.hold(7);
    const a = embedder.embedImages(img(1));
    const b = codeOf(embedder.embedImages(img(7)));
    await settle();
    expect(inner.runs).toHaveLength(0);
    broken.reject(new UnsupportedMediaTypeError('not an image'));
    await settle();
    expect(inner.runs.map((r) => r.items)).toEqual([[1]]);
    expect(schedule.armed).toBe(0);
    inner.finish(0);
    expect(await b).toBe(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    expect(firstFloats(await a)).toEqual([1]);
  });

  it('merges texts separately from images', async () => {
    const { inner, schedule, embedder } = setup();
    const texts = embedder.embedTexts(['ab', 'c']);
    const more = embedder.embedTexts(['def']);
    const images = embedder.embedImages(img(9));
    await settle();
    schedule.fireAll();
    // One run per kind (in whichever order their timers fired).
    const byKind = Object.fromEntries(inner.runs.map((r) => [r.kind, r.items]));
    expect(inner.runs).toHaveLength(2);
    expect(byKind).toEqual({ image: [9], text: ['AB', 'C', 'DEF'] });
    inner.finish(0);
    inner.finish(1);
    expect((await texts).map((v) => v[0])).toEqual([2, 1]);
    expect((await more).map((v) => v[0])).toEqual([3]);
    expect(firstFloats(await images)).toEqual([9]);
  });

  it('runs a full batch at once, splits at maxBatchSize, and runs one batch at a time', async () => {
    const { inner, schedule, embedder, observer } = setup({ maxBatchSize: 2 });
    const calls = [1, 2, 3, 4, 5].map((n) => embedder.embedImages(img(n)));
    await settle();
    // Full at 2: dispatched without waiting for the timer; the rest wait for the model.
    expect(inner.runs.map((r) => r.items)).toEqual([[1, 2]]);
    expect(schedule.armed).toBe(0);
    inner.finish(0);
    await settle();
    expect(inner.runs.map((r) => r.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    inner.finish(1);
    await settle();
    expect(inner.runs.map((r) => r.items)).toEqual([[1, 2], [3, 4], [5]]);
    inner.finish(2);
    expect((await Promise.all(calls)).map(firstFloats)).toEqual([[1], [2], [3], [4], [5]]);
    expect(observer.batches).toEqual([
      ['image', 2, false],
      ['image', 2, false],
      ['image', 1, false],
    ]);
  });

  it('returns [] for empty input without queueing anything', async () => {
    const { inner, schedule, embedder } = setup();
    await expect(embedder.embedImages([])).resolves.toEqual([]);
    await expect(embedder.embedTexts([])).resolves.toEqual([]);
    expect(inner.runs).toHaveLength(0);
    expect(schedule.timers).toHaveLength(0);
  });
});

describe('BatchingEmbedder: errors stay with their caller', () => {
  it('a caller with a bad photo fails alone; its neighbours are embedded', async () => {
    const { inner, schedule, embedder } = setup();
    const bad = codeOf(embedder.embedImages(img(7, 0)));
    const good = embedder.embedImages(img(8));
    await settle();
    schedule.fireAll();
    // The bad call's good photo never reaches the model: its call has already failed.
    expect(inner.runs.map((r) => r.items)).toEqual([[8]]);
    inner.finish(0);
    expect(await bad).toBe(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    expect(firstFloats(await good)).toEqual([8]);
  });

  it('a failed run rejects the callers in that batch only; the next batch still runs', async () => {
    const { inner, embedder, observer } = setup({ maxBatchSize: 1 });
    const first = rejectionOf(embedder.embedImages(img(1)));
    const second = embedder.embedImages(img(2));
    await settle();
    const boom = new Error('ORT exploded');
    inner.runs[0]!.done.reject(boom);
    await settle();
    inner.finish(1);
    expect(await first).toBe(boom);
    expect(firstFloats(await second)).toEqual([2]);
    expect(observer.batches).toEqual([
      ['image', 1, true],
      ['image', 1, false],
    ]);
  });
});

describe('BatchingEmbedder: bounded queue', () => {
  it('refuses calls past maxQueue with OVERLOADED before preparing them', async () => {
    const { inner, schedule, embedder, observer } = setup({ maxBatchSize: 2, maxQueue: 3 });
    const admitted = embedder.embedImages(img(1, 2));
    const overflow = embedder.embedImages(img(3, 4));
    expect(await codeOf(overflow)).toBe(ErrorCode.OVERLOADED);
    expect(inner.prepared).toEqual([1, 2]);
    expect(observer.rejectedCount).toBe(2);
    expect(embedder.queueDepth('image')).toBe(2);
    // Texts have their own queue.
    const text = embedder.embedTexts(['x']);
    await settle();
    schedule.fireAll();
    expect(inner.runs.map((r) => r.items)).toEqual([[1, 2], ['X']]);
    inner.finish(0);
    inner.finish(1);
    await admitted;
    await text;
    expect(embedder.queueDepth('image')).toBe(0);
    // With room again, the same call is admitted.
    const retry = embedder.embedImages(img(3, 4));
    await settle();
    inner.finish(2);
    expect(firstFloats(await retry)).toEqual([3, 4]);
  });

  it('lets a call larger than the whole queue in when the queue is empty', async () => {
    const { inner, embedder } = setup({ maxBatchSize: 2, maxQueue: 2 });
    const big = embedder.embedImages(img(1, 2, 3));
    await settle();
    expect(await codeOf(embedder.embedImages(img(4)))).toBe(ErrorCode.OVERLOADED);
    inner.finish(0);
    await settle();
    inner.finish(1);
    expect(firstFloats(await big)).toEqual([1, 2, 3]);
  });

  it('reports the queue depth as calls come and go', async () => {
    const { inner, schedule, embedder, observer } = setup();
    const a = embedder.embedImages(img(1, 2));
    const b = embedder.embedTexts(['t']);
    await settle();
    schedule.fireAll();
    inner.finish(0);
    inner.finish(1);
    await Promise.all([a, b]);
    expect(observer.depths).toEqual([
      ['image', 2],
      ['text', 1],
      ['image', 0],
      ['text', 0],
    ]);
  });
});

describe('BatchingEmbedder: close', () => {
  it('lets admitted calls finish, then closes the model and refuses new calls', async () => {
    const { inner, schedule, embedder } = setup();
    const inFlight = embedder.embedImages(img(5));
    await settle();
    schedule.fireAll();
    const closing = embedder.close();
    await settle();
    expect(inner.closed).toBe(false);
    inner.finish(0);
    await closing;
    expect(inner.closed).toBe(true);
    expect(firstFloats(await inFlight)).toEqual([5]);
    // The model is gone, not the input bad: the same code a closed OnnxEmbedder gives.
    expect(await codeOf(embedder.embedImages(img(6)))).toBe(ErrorCode.MODEL_UNAVAILABLE);
    expect(await codeOf(embedder.embedTexts(['six']))).toBe(ErrorCode.MODEL_UNAVAILABLE);
  });
});

describe('MicroBatcher', () => {
  it('rejects only the items whose run result is an Error', async () => {
    const schedule = new ManualSchedule();
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 8,
      maxWaitMs: 0,
      schedule: schedule.fn,
      run: (items) =>
        Promise.resolve(items.map((n) => (n < 0 ? new RangeError(`bad ${n}`) : n * 10))),
    });
    const results = [1, -2, 3].map((n) => batcher.enqueue(n));
    schedule.fireAll();
    await expect(results[0]).resolves.toBe(10);
    await expect(results[1]).rejects.toBeInstanceOf(RangeError);
    await expect(results[2]).resolves.toBe(30);
  });

  it('rejects every item when run returns the wrong number of results', async () => {
    const schedule = new ManualSchedule();
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 8,
      maxWaitMs: 0,
      schedule: schedule.fn,
      run: () => Promise.resolve([1]),
    });
    const results = [1, 2].map((n) => batcher.enqueue(n));
    schedule.fireAll();
    for (const result of results) await expect(result).rejects.toBeInstanceOf(TypeError);
  });

  it.each([
    [{ maxBatchSize: 0, maxWaitMs: 5 }],
    [{ maxBatchSize: 1.5, maxWaitMs: 5 }],
    [{ maxBatchSize: 4, maxWaitMs: -1 }],
  ])('refuses bad options %o with a TypeError', (options) => {
    expect(() => new MicroBatcher({ ...options, run: () => Promise.resolve([]) })).toThrow(
      TypeError,
    );
  });
});
