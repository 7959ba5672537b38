/**
 * What the inference layer reports about itself. src/observability/metrics.ts turns it into
 * Prometheus metrics; tests pass recording fakes. Every method must be cheap and must not throw.
 */
export type EmbeddingKind = 'image' | 'text';

export interface InferenceObserver {
  /** One model run finished (or failed) over `size` inputs. */
  batch(kind: EmbeddingKind, size: number, durationMs: number, failed: boolean): void;
  /** Inputs admitted and not yet answered, after a change. */
  queueDepth(kind: EmbeddingKind, depth: number): void;
  /** A call was refused because the queue was full. */
  rejected(kind: EmbeddingKind, count: number): void;
  /** One cache lookup. An input already being computed for another caller counts as a hit. */
  cacheLookup(kind: EmbeddingKind, hit: boolean): void;
}

export const noopInferenceObserver: InferenceObserver = Object.freeze({
  batch: () => undefined,
  queueDepth: () => undefined,
  rejected: () => undefined,
  cacheLookup: () => undefined,
});
