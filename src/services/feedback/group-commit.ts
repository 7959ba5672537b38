import { OverloadedError } from '../../errors/app-error';

export interface GroupCommitLimits {
  /** Items waiting for a write, all requests together; a request that would exceed it is refused. */
  readonly maxQueued: number;
  /** Most items in one write (whole requests only; a larger request is written alone). */
  readonly maxWrite: number;
  /**
   * How long, in milliseconds, an idle writer waits for more requests before it writes (0: at
   * once). Without it a store that writes synchronously (SQLite) would finish each write before
   * the next request could even arrive, and every request would pay for its own fsync.
   */
  readonly lingerMs: number;
}

interface Waiting<T> {
  readonly items: readonly T[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: one write in flight at a time; requests that arrive meanwhile wait in a bounded
 * queue and go together into the next write, so N concurrent requests cost about one write per
 * write latency instead of N, and a flood is refused (OVERLOADED) instead of queueing without
 * end. Each request's promise settles with the write that holds its items (whole: a request is
 * never split across writes), so it resolves only once its items are durable.
 *
 * Written here rather than taken from a library: the micro-batchers on npm batch by time or
 * count, not "whatever came while the last write ran", and none bounds the queue by item count.
 */
export class GroupCommit<T> {
  private readonly queue: Waiting<T>[] = [];
  private queued = 0;
  private writing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Writes one group: every item of `requests` requests, in arrival order. */
    private readonly write: (items: readonly T[], requests: number) => Promise<void>,
    private readonly limits: GroupCommitLimits,
  ) {
    for (const [name, value] of Object.entries(limits)) {
      const least = name === 'lingerMs' ? 0 : 1;
      if (!Number.isSafeInteger(value) || (value as number) < least) {
        throw new TypeError(`GroupCommitLimits.${name} must be a positive integer, got ${value}`);
      }
    }
  }

  /** Items waiting for a write (not counting the write in flight). */
  get depth(): number {
    return this.queued;
  }

  /** Resolves once `items` are written; rejects with the write's error or OVERLOADED. */
  submit(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    if (this.queued + items.length > this.limits.maxQueued && this.queued > 0) {
      return Promise.reject(
        new OverloadedError('Too many interactions are waiting to be written; retry later', {
          maxQueued: this.limits.maxQueued,
          queued: this.queued,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queued += items.length;
      this.schedule();
    });
  }

  /** Writes now when a full write is waiting, else once the linger time has passed. */
  private schedule(): void {
    if (this.writing || this.queue.length === 0) return;
    if (this.queued >= this.limits.maxWrite || this.limits.lingerMs === 0) {
      this.drain();
      return;
    }
    this.timer ??= setTimeout(() => this.drain(), this.limits.lingerMs);
  }

  private drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || this.queue.length === 0) return;
    const group: Waiting<T>[] = [];
    let size = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Waiting<T>;
      if (group.length > 0 && size + next.items.length > this.limits.maxWrite) break;
      group.push(next);
      size += next.items.length;
      this.queue.shift();
    }
    this.queued -= size;
    this.writing = true;
    const items = group.flatMap((waiting) => waiting.items);
    void Promise.resolve()
      .then(() => this.write(items, group.length))
      .then(
        () => this.finish(group, (waiting) => waiting.resolve()),
        (error: unknown) => this.finish(group, (waiting) => waiting.reject(error)),
      );
  }

  private finish(group: readonly Waiting<T>[], settle: (waiting: Waiting<T>) => void): void {
    this.writing = false;
    for (const waiting of group) settle(waiting);
    this.schedule();
  }
}
