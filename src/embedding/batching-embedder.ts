/**
 * Embedder decorator that merges concurrent calls into shared model runs. Preparation (decode,
 * preprocess, tokenise) stays per caller, so each caller gets its own result or its own error
 * and one bad photo never fails its neighbours; only inference is batched. The queue is
 * bounded per kind: a call that would push it past `maxQueue` fails at once with
 * OverloadedError, before any decoding.
 */
import type { Logger } from 'pino';
import { ModelUnavailableError, OverloadedError } from '../errors/app-error';
import type { Embedder, ImageEmbedding } from '../ports/embedder.port';
import type { EmbeddingKind, InferenceObserver } from './inference-observer';
import { noopInferenceObserver } from './inference-observer';
import type { ScheduleFn } from './micro-batcher';
import { MicroBatcher } from './micro-batcher';
import { valuesOrFirstError } from '../lib/settled';

/**
 * An embedder whose work splits into a per-input stage and a batched model stage
 * (OnnxEmbedder satisfies it). `prepare*` throw the input's own typed error.
 */
export interface StagedEmbedder<PreparedImage, PreparedText> {
  readonly modelId: string;
  readonly dims: number;
  prepareImage(bytes: Uint8Array): Promise<PreparedImage>;
  inferImages(images: readonly PreparedImage[]): Promise<ImageEmbedding[]>;
  prepareText(text: string): Promise<PreparedText>;
  inferTexts(texts: readonly PreparedText[]): Promise<Float32Array[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface BatchingOptions {
  /** Most inputs in one model run. */
  readonly maxBatchSize: number;
  /** Longest an idle model waits for admitted inputs that are still preparing. */
  readonly maxWaitMs: number;
  /** Most inputs admitted per kind (preparing, waiting or running) before calls are refused. */
  readonly maxQueue: number;
  readonly observer?: InferenceObserver;
  readonly logger?: Logger;
  readonly schedule?: ScheduleFn;
}

/** One kind of input: its batcher and its admission count. */
class Lane<P, O> {
  depth = 0;
  /** Admitted inputs not yet handed to the batcher (still decoding or tokenising). */
  private preparing = 0;
  private idleWaiters: Array<() => void> = [];
  readonly batcher: MicroBatcher<P, O>;

  constructor(
    readonly kind: EmbeddingKind,
    run: (items: readonly P[]) => Promise<O[]>,
    private readonly options: BatchingOptions,
    private readonly observer: InferenceObserver,
  ) {
    this.batcher = new MicroBatcher<P, O>({
      maxBatchSize: options.maxBatchSize,
      maxWaitMs: options.maxWaitMs,
      run,
      schedule: options.schedule,
      expected: () => this.preparing,
      onBatch: (size, durationMs, failed) => {
        observer.batch(kind, size, durationMs, failed);
        if (failed) options.logger?.warn({ kind, size }, 'embedding batch failed');
      },
    });
  }

  /**
   * Reserves `count` slots or throws OVERLOADED. A call larger than the whole queue is still
   * let in when the queue is empty, so it is slow rather than impossible.
   */
  admit(count: number): void {
    const { maxQueue } = this.options;
    if (this.depth + count > maxQueue && this.depth > 0) {
      this.observer.rejected(this.kind, count);
      throw new OverloadedError('the embedding queue is full, retry later', {
        kind: this.kind,
        maxQueue,
      });
    }
    this.depth += count;
    this.observer.queueDepth(this.kind, this.depth);
  }

  release(count: number): void {
    this.depth -= count;
    this.observer.queueDepth(this.kind, this.depth);
    if (this.depth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Resolves once every admitted call has been answered. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Prepares every input, then queues them all together; the first error in input order wins.
   * While inputs are preparing the batcher knows they are coming, so an idle model waits for
   * them (up to maxWaitMs) and for nobody else.
   */
  async process<I>(inputs: readonly I[], prepare: (input: I) => Promise<P>): Promise<O[]> {
    this.admit(inputs.length);
    try {
      return valuesOrFirstError(await this.prepareAndQueue(inputs, prepare));
    } finally {
      this.release(inputs.length);
    }
  }

  /**
   * Like `process`, with one outcome per input: the call is admitted whole (or refused whole,
   * before any input is prepared), and one bad input fails alone.
   */
  async processSettled<I>(
    inputs: readonly I[],
    prepare: (input: I) => Promise<P>,
  ): Promise<Array<PromiseSettledResult<O>>> {
    this.admit(inputs.length);
    try {
      this.preparing += inputs.length;
      let prepared: Array<PromiseSettledResult<P>>;
      try {
        prepared = await Promise.allSettled(inputs.map(prepare));
      } finally {
        this.preparing -= inputs.length;
      }
      const ready = prepared.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : []));
      // No await since the count dropped: the batcher sees these as queued, or is poked.
      const queued = this.batcher.enqueueAll(ready);
      if (ready.length === 0) this.batcher.poke();
      const outcomes = await Promise.allSettled(queued);
      let next = 0;
      return prepared.map((p) =>
        p.status === 'fulfilled' ? (outcomes[next++] as PromiseSettledResult<O>) : p,
      );
    } finally {
      this.release(inputs.length);
    }
  }

  private async prepareAndQueue<I>(inputs: readonly I[], prepare: (input: I) => Promise<P>) {
    this.preparing += inputs.length;
    let prepared: P[];
    try {
      prepared = valuesOrFirstError(await Promise.allSettled(inputs.map(prepare)));
    } catch (error) {
      this.preparing -= inputs.length;
      this.batcher.poke(); // peers may have been waiting for these inputs
      throw error;
    }
    // No await between the count dropping and the inputs arriving: the batcher must never see
    // these inputs as neither coming nor queued.
    this.preparing -= inputs.length;
    return Promise.allSettled(this.batcher.enqueueAll(prepared));
  }
}

function checkOptions(options: BatchingOptions): void {
  const { maxQueue } = options;
  if (!Number.isInteger(maxQueue) || maxQueue < 1) {
    throw new TypeError(`BatchingEmbedder: maxQueue must be a positive integer, got ${maxQueue}`);
  }
}

export class BatchingEmbedder<PI, PT> implements Embedder {
  private readonly images: Lane<PI, ImageEmbedding>;
  private readonly texts: Lane<PT, Float32Array>;
  private closed = false;

  constructor(
    private readonly inner: StagedEmbedder<PI, PT>,
    options: BatchingOptions,
  ) {
    checkOptions(options);
    const observer = options.observer ?? noopInferenceObserver;
    this.images = new Lane('image', (items) => inner.inferImages(items), options, observer);
    this.texts = new Lane('text', (items) => inner.inferTexts(items), options, observer);
  }

  get modelId(): string {
    return this.inner.modelId;
  }

  get dims(): number {
    return this.inner.dims;
  }

  /** Inputs admitted and not yet answered, per kind (what the queue-depth gauge shows). */
  queueDepth(kind: EmbeddingKind): number {
    return kind === 'image' ? this.images.depth : this.texts.depth;
  }

  async embedImages(images: readonly Uint8Array[]): Promise<ImageEmbedding[]> {
    this.assertOpen();
    if (images.length === 0) return [];
    return this.images.process(images, (bytes) => this.inner.prepareImage(bytes));
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    this.assertOpen();
    if (texts.length === 0) return [];
    return this.texts.process(texts, (text) => this.inner.prepareText(text));
  }

  /**
   * One outcome per photo, the call admitted whole first: the caching embedder sends all of a
   * call's misses here at once, so a call that cannot be admitted fails before any decoding.
   */
  async embedImagesSettled(
    images: readonly Uint8Array[],
  ): Promise<Array<PromiseSettledResult<ImageEmbedding>>> {
    this.assertOpen();
    if (images.length === 0) return [];
    return this.images.processSettled(images, (bytes) => this.inner.prepareImage(bytes));
  }

  /** One outcome per text, the call admitted whole first (see embedImagesSettled). */
  async embedTextsSettled(
    texts: readonly string[],
  ): Promise<Array<PromiseSettledResult<Float32Array>>> {
    this.assertOpen();
    if (texts.length === 0) return [];
    return this.texts.processSettled(texts, (text) => this.inner.prepareText(text));
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  /** Refuses new calls, lets admitted ones finish, then closes the model. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.images.idle(), this.texts.idle()]);
    await this.inner.close();
  }

  private assertOpen(): void {
    // The same error as a closed OnnxEmbedder: the model is gone, not this input bad.
    if (this.closed) {
      throw new ModelUnavailableError('embedder is closed', {
        modelId: this.modelId,
        reason: 'CLOSED',
      });
    }
  }
}
