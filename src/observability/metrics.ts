/**
 * Prometheus metrics for one service instance. Each call makes its own Registry (never
 * prom-client's global one), so tests and several apps in one process do not collide.
 *
 *   const metrics = createMetrics();
 *   res.type(metrics.contentType).send(await metrics.render());   // GET /metrics
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EmbeddingKind, InferenceObserver } from '../embedding/inference-observer';
import type { InteractionType } from '../domain/interaction';
import { INTERACTION_TYPES } from '../domain/interaction';

const PREFIX = 'product_search_';
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Operation names come from clients: cap how many distinct label values we keep. */
const MAX_OPERATION_NAMES = 100;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const OUTCOME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Told about every GraphQL operation (see graphql-metrics.plugin.ts). */
export interface GraphqlObserver {
  /** `outcome` is 'success' or the first error's code. */
  operation(
    operationName: string | null | undefined,
    outcome: string,
    durationSeconds: number,
  ): void;
}

/** Told about every ProductIndex call (see instrumented-product-index.ts). */
export interface BackendObserver {
  call(method: string, outcome: 'success' | 'error', durationSeconds: number): void;
}

/** Told how each indexed photo got its vector (see IndexingService). */
interface IndexingObserver {
  /** `reused`: a stored vector for the same bytes; `embedded`: a model run. */
  photos(reused: number, embedded: number): void;
}

export interface Metrics {
  /** Content-Type header for `render()`'s text. */
  readonly contentType: string;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  readonly inference: InferenceObserver;
  readonly graphql: GraphqlObserver;
  readonly backend: BackendObserver;
  readonly indexing: IndexingObserver;
  readonly feedback: FeedbackObserver;
}

/** Told about recordInteractions batches (FeedbackService). */
interface FeedbackObserver {
  recorded(type: InteractionType, count: number): void;
  refused(code: string, count: number): void;
  write(events: number, requests: number): void;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC); on by default. */
  readonly defaultMetrics?: boolean;
}

function inferenceMetrics(registers: Registry[]): InferenceObserver {
  const batchSize = new Histogram({
    name: `${PREFIX}embedding_batch_size`,
    help: 'Inputs per model run',
    labelNames: ['kind'],
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers,
  });
  const batchSeconds = new Histogram({
    name: `${PREFIX}embedding_batch_duration_seconds`,
    help: 'Duration of one model run',
    labelNames: ['kind', 'outcome'],
    buckets: SECONDS,
    registers,
  });
  const queueDepth = new Gauge({
    name: `${PREFIX}embedding_queue_depth`,
    help: 'Inputs admitted to the embedding queue and not yet answered',
    labelNames: ['kind'],
    registers,
  });
  const rejected = new Counter({
    name: `${PREFIX}embedding_rejected_total`,
    help: 'Inputs refused with OVERLOADED because the queue was full',
    labelNames: ['kind'],
    registers,
  });
  const cache = new Counter({
    name: `${PREFIX}embedding_cache_lookups_total`,
    help: 'Embedding cache lookups; hit rate = hit / (hit + miss)',
    labelNames: ['kind', 'result'],
    registers,
  });
  for (const kind of ['image', 'text'] satisfies EmbeddingKind[]) {
    queueDepth.set({ kind }, 0);
    for (const result of ['hit', 'miss']) cache.inc({ kind, result }, 0);
  }
  return {
    batch(kind, size, durationMs, failed) {
      batchSize.observe({ kind }, size);
      batchSeconds.observe({ kind, outcome: failed ? 'error' : 'success' }, durationMs / 1000);
    },
    queueDepth: (kind, depth) => queueDepth.set({ kind }, depth),
    rejected: (kind, count) => rejected.inc({ kind }, count),
    cacheLookup: (kind, hit) => cache.inc({ kind, result: hit ? 'hit' : 'miss' }),
  };
}

function graphqlMetrics(registers: Registry[]): GraphqlObserver {
  const requests = new Counter({
    name: `${PREFIX}graphql_requests_total`,
    help: 'GraphQL operations by operation name and outcome (success or error code)',
    labelNames: ['operation', 'outcome'],
    registers,
  });
  const seconds = new Histogram({
    name: `${PREFIX}graphql_request_duration_seconds`,
    help: 'GraphQL operation latency by operation name and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: SECONDS,
    registers,
  });
  const seen = new Set<string>();
  const operationLabel = (name: string | null | undefined): string => {
    if (name === null || name === undefined || name === '') return '(anonymous)';
    if (!OPERATION_NAME.test(name)) return '(invalid)';
    if (!seen.has(name)) {
      if (seen.size >= MAX_OPERATION_NAMES) return '(other)';
      seen.add(name);
    }
    return name;
  };
  return {
    operation(operationName, outcome, durationSeconds) {
      const labels = {
        operation: operationLabel(operationName),
        outcome: outcome === 'success' || OUTCOME.test(outcome) ? outcome : 'UNKNOWN',
      };
      requests.inc(labels);
      seconds.observe(labels, durationSeconds);
    },
  };
}

function backendMetrics(registers: Registry[]): BackendObserver {
  const seconds = new Histogram({
    name: `${PREFIX}index_request_duration_seconds`,
    help: 'ProductIndex (search backend) call latency by method and outcome',
    labelNames: ['method', 'outcome'],
    buckets: SECONDS,
    registers,
  });
  return {
    call: (method, outcome, durationSeconds) =>
      seconds.observe({ method, outcome }, durationSeconds),
  };
}

function indexingMetrics(registers: Registry[]): IndexingObserver {
  const photos = new Counter({
    name: `${PREFIX}indexed_photos_total`,
    help: 'Photos of indexed products by how their vector was obtained (reused or embedded)',
    labelNames: ['source'],
    registers,
  });
  photos.inc({ source: 'reused' }, 0);
  photos.inc({ source: 'embedded' }, 0);
  return {
    photos(reused, embedded) {
      if (reused > 0) photos.inc({ source: 'reused' }, reused);
      if (embedded > 0) photos.inc({ source: 'embedded' }, embedded);
    },
  };
}

function feedbackMetrics(registers: Registry[]): FeedbackObserver {
  const recorded = new Counter({
    name: `${PREFIX}interactions_recorded_total`,
    help: 'Shopper interactions stored, by type',
    labelNames: ['type'],
    registers,
  });
  const refused = new Counter({
    name: `${PREFIX}interactions_refused_total`,
    help: 'Shopper interactions of refused batches, by error code (OVERLOADED: the write queue was full)',
    labelNames: ['code'],
    registers,
  });
  const writeSize = new Histogram({
    name: `${PREFIX}interaction_write_events`,
    help: 'Events per interaction store write (group commit)',
    buckets: [1, 2, 5, 10, 50, 100, 500, 1000],
    registers,
  });
  const writeRequests = new Histogram({
    name: `${PREFIX}interaction_write_requests`,
    help: 'recordInteractions requests per interaction store write (group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers,
  });
  for (const type of INTERACTION_TYPES) recorded.inc({ type }, 0);
  return {
    recorded: (type, count) => recorded.inc({ type }, count),
    refused: (code, count) => refused.inc({ code: OUTCOME.test(code) ? code : 'UNKNOWN' }, count),
    write(events, requests) {
      writeSize.observe(events);
      writeRequests.observe(requests);
    },
  };
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const registers = [registry];
  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    inference: inferenceMetrics(registers),
    graphql: graphqlMetrics(registers),
    backend: backendMetrics(registers),
    indexing: indexingMetrics(registers),
    feedback: feedbackMetrics(registers),
  };
}
