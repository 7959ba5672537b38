/**
 * A FIFO counting semaphore. The embedder shares one across all callers so that however many
 * requests decode at once, at most `limit` full-size photos are in memory being preprocessed.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new TypeError(`ConcurrencyLimiter: limit must be a positive integer, got ${limit}`);
    }
  }

  /** Runs `fn` once a slot is free; the slot is returned however `fn` ends. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same) or give it back.
      const next = this.waiting.shift();
      if (next === undefined) this.active--;
      else next();
    }
  }
}
