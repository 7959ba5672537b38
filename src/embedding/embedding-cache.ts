/**
 * An LRU of computed values with in-flight sharing: a key that is already being computed for
 * one caller is awaited by the next instead of being computed twice. Failures are not cached.
 */
import { LRUCache } from 'lru-cache';

export class EmbeddingCache<V extends object> {
  private readonly lru: LRUCache<string, V>;
  private readonly inflight = new Map<string, Promise<V>>();

  /** `onLookup(hit)` is told about every `get`. */
  constructor(
    maxEntries: number,
    private readonly onLookup: (hit: boolean) => void = () => undefined,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError(
        `EmbeddingCache: maxEntries must be a positive integer, got ${maxEntries}`,
      );
    }
    this.lru = new LRUCache<string, V>({ max: maxEntries });
  }

  get size(): number {
    return this.lru.size;
  }

  /**
   * One promise per key, like `get`, but every key neither cached nor in flight is computed by
   * one `computeMissing` call (given their positions in `keys`, returning one outcome each), so
   * the caller can have the whole set admitted at once. Repeated keys share one computation.
   */
  getMany(
    keys: readonly string[],
    computeMissing: (positions: number[]) => Promise<ReadonlyArray<PromiseSettledResult<V>>>,
  ): Array<Promise<V>> {
    const results: Array<Promise<V>> = [];
    const claimed = new Map<string, Promise<V>>();
    const missing: Array<{ position: number; settle: (outcome: PromiseSettledResult<V>) => void }> =
      [];
    keys.forEach((key, position) => {
      const shared = claimed.get(key);
      if (shared !== undefined) {
        this.onLookup(true);
        results.push(shared);
        return;
      }
      const cached = this.lru.get(key);
      const running = cached === undefined ? this.inflight.get(key) : undefined;
      if (cached !== undefined || running !== undefined) {
        this.onLookup(true);
        results.push(cached === undefined ? (running as Promise<V>) : Promise.resolve(cached));
        return;
      }
      this.onLookup(false);
      let settle!: (outcome: PromiseSettledResult<V>) => void;
      const computed = new Promise<V>((resolve, reject) => {
        settle = (o) => (o.status === 'fulfilled' ? resolve(o.value) : reject(o.reason));
      });
      const promise = this.track(key, computed);
      claimed.set(key, promise);
      missing.push({ position, settle });
      results.push(promise);
    });
    if (missing.length > 0) {
      computeMissing(missing.map((m) => m.position)).then(
        (outcomes) =>
          missing.forEach((m, i) =>
            m.settle(
              outcomes[i] ?? { status: 'rejected', reason: new TypeError('missing outcome') },
            ),
          ),
        (error: unknown) => missing.forEach((m) => m.settle({ status: 'rejected', reason: error })),
      );
    }
    return results;
  }

  /** Caches `computed` under `key` once it resolves; shares it with callers meanwhile. */
  private track(key: string, computed: Promise<V>): Promise<V> {
    const promise = computed.then(
      (value) => {
        this.lru.set(key, value);
        this.inflight.delete(key);
        return value;
      },
      (error: unknown) => {
        this.inflight.delete(key);
        throw error;
      },
    );
    this.inflight.set(key, promise);
    return promise;
  }

  /** The cached value for `key`, else the value `compute` yields (then cached). */
  get(key: string, compute: () => Promise<V>): Promise<V> {
    const cached = this.lru.get(key);
    if (cached !== undefined) {
      this.onLookup(true);
      return Promise.resolve(cached);
    }
    const running = this.inflight.get(key);
    if (running !== undefined) {
      this.onLookup(true);
      return running;
    }
    this.onLookup(false);
    const promise = compute().then(
      (value) => {
        this.lru.set(key, value);
        this.inflight.delete(key);
        return value;
      },
      (error: unknown) => {
        this.inflight.delete(key);
        throw error;
      },
    );
    this.inflight.set(key, promise);
    return promise;
  }
}
