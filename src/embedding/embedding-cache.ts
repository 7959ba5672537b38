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
