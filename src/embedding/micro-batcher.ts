/**
 * Adaptive micro-batching, the way model servers (Triton's dynamic batcher, BentoML) do it:
 * items queue up; a batch goes to `run` when it is full, when the oldest item has waited
 * `maxWaitMs`, or as soon as the previous run ends. Only one run is in flight at a time, so
 * the model gets all the cores and items arriving during a run form the next batch.
 *
 * When the caller can tell how many more items are already on their way (`expected`: admitted
 * and still being decoded), an idle model does not wait for company that is not coming: with
 * nothing expected, the batch goes at once. A lone caller then pays no window at all, and the
 * window is spent only while known peers are still preparing.
 *
 * Why not DataLoader's batchScheduleFn: DataLoader starts every batch on its own timer even
 * while the model is busy (concurrent runs then fight over the same cores), and a full batch
 * still waits for its timer.
 */

/** Calls `callback` after `delayMs`; returns a function that cancels it. Injectable for tests. */
export type ScheduleFn = (callback: () => void, delayMs: number) => () => void;

const timerSchedule: ScheduleFn = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  return () => clearTimeout(timer);
};

export interface MicroBatcherOptions<I, O> {
  readonly maxBatchSize: number;
  readonly maxWaitMs: number;
  /** Runs one batch: one result or Error per item, in order (DataLoader's contract). */
  readonly run: (items: readonly I[]) => Promise<ReadonlyArray<O | Error>>;
  readonly schedule?: ScheduleFn;
  /**
   * How many more items are known to be on their way (0: none; the batch need not wait).
   * Without it every batch that is not full waits for `maxWaitMs` when the model is idle.
   */
  readonly expected?: () => number;
  /** Told about every run, for metrics. Must not throw. */
  readonly onBatch?: (size: number, durationMs: number, failed: boolean) => void;
}

interface Entry<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

function checkOptions(options: MicroBatcherOptions<unknown, unknown>): void {
  const { maxBatchSize, maxWaitMs } = options;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new TypeError(
      `MicroBatcher: maxBatchSize must be a positive integer, got ${maxBatchSize}`,
    );
  }
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
    throw new TypeError(`MicroBatcher: maxWaitMs must be a number >= 0, got ${maxWaitMs}`);
  }
}

export class MicroBatcher<I, O> {
  private readonly pending: Array<Entry<I, O>> = [];
  private running = false;
  private cancelTimer: (() => void) | undefined;
  private readonly schedule: ScheduleFn;

  constructor(private readonly options: MicroBatcherOptions<I, O>) {
    checkOptions(options as MicroBatcherOptions<unknown, unknown>);
    this.schedule = options.schedule ?? timerSchedule;
  }

  enqueue(item: I): Promise<O> {
    return this.enqueueAll([item])[0] as Promise<O>;
  }

  /** Queues several items at once (one caller's), so none of them runs without the others. */
  enqueueAll(items: readonly I[]): Array<Promise<O>> {
    const results = items.map(
      (item) => new Promise<O>((resolve, reject) => this.pending.push({ item, resolve, reject })),
    );
    this.poke();
    return results;
  }

  /**
   * Decides again whether to run now: to be called when `expected` drops without an item
   * arriving (a peer's preparation failed, say).
   */
  poke(): void {
    if (this.running || this.pending.length === 0) return; // the end of the current run dispatches
    const { maxBatchSize, maxWaitMs, expected } = this.options;
    if (this.pending.length >= maxBatchSize || expected?.() === 0) this.dispatch();
    else this.cancelTimer ??= this.schedule(() => this.dispatch(), maxWaitMs);
  }

  private dispatch(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.running || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.options.maxBatchSize);
    this.running = true;
    void this.runBatch(batch).finally(() => {
      this.running = false;
      // Whatever queued during the run has already waited at least that long: go now.
      this.dispatch();
    });
  }

  private async runBatch(batch: ReadonlyArray<Entry<I, O>>): Promise<void> {
    const started = performance.now();
    let failed = false;
    try {
      const results = await this.options.run(batch.map((e) => e.item));
      if (results.length !== batch.length) {
        throw new TypeError(
          `MicroBatcher: run must return one result per item: ${batch.length} items, ${results.length} results`,
        );
      }
      batch.forEach((entry, i) => {
        const result = results[i] as O | Error;
        if (result instanceof Error) entry.reject(result);
        else entry.resolve(result);
      });
    } catch (error) {
      failed = true;
      for (const entry of batch) entry.reject(error);
    }
    this.options.onBatch?.(batch.length, performance.now() - started, failed);
  }
}
