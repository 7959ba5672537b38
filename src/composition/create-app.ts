import { readFileSync } from 'node:fs';
import { ElasticsearchProductIndex } from '../adapters/elasticsearch/elasticsearch-product-index';
import { SqliteProductIndex } from '../adapters/sqlite/sqlite-product-index';
import { OnnxEmbedder } from '../adapters/onnx/onnx-embedder';
import type { Config } from '../config/load-config';
import { BatchingEmbedder } from '../embedding/batching-embedder';
import { CachingEmbedder } from '../embedding/caching-embedder';
import { ConfigError } from '../errors/config-error';
import type { Logger } from '../observability/logger';
import { InstrumentedProductIndex } from '../observability/instrumented-product-index';
import type { Metrics } from '../observability/metrics';
import { createMetrics } from '../observability/metrics';
import type { Embedder } from '../ports/embedder.port';
import type { ProductIndex, ProductIndexBinding } from '../ports/product-index.port';
import { IndexingService } from '../services/indexing/indexing.service';
import { SearchService } from '../services/search/search.service';

export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, string>>;
}

/** Everything the transport layer needs; built only here. */
export interface App {
  readonly search: SearchService;
  readonly indexing: IndexingService;
  readonly modelId: string;
  readonly backend: string;
  /** This app's own Prometheus registry: serve `metrics.render()` at GET /metrics. */
  readonly metrics: Metrics;
  readiness(): Promise<Readiness>;
  close(): Promise<void>;
}

/**
 * The composition root: the only place that picks adapters. `modelDir` is the resolved model
 * folder (main.ts resolves catalog models first), so building an app never downloads anything.
 */
export async function createApp(
  config: Config,
  logger: Logger,
  modelDir: string | undefined = config.modelDir,
): Promise<App> {
  if (modelDir === undefined) {
    // A start-up setting is missing, like any other bad variable: one kind, one message style.
    throw new ConfigError(['MODEL_DIR: not set, and no catalog model was resolved']);
  }
  const metrics = createMetrics();
  const embedder = await createEmbedder(config, logger, modelDir, metrics);
  let index: ProductIndex;
  try {
    const adapter = createIndex(config, logger, { modelId: embedder.modelId, dims: embedder.dims });
    index = new InstrumentedProductIndex(adapter, metrics.backend);
    await index.open();
  } catch (error) {
    await embedder.close();
    throw error;
  }
  logger.info(
    { model: embedder.modelId, dims: embedder.dims, backend: index.kind },
    'search engine ready',
  );
  return assemble(config, embedder, index, metrics);
}

/** The settings createEmbedder reads. */
export type EmbedderConfig = Pick<
  Config,
  | 'maxImagePixels'
  | 'ortIntraOpThreads'
  | 'ortInterOpThreads'
  | 'ortAllowSpinning'
  | 'embedMaxBatchSize'
  | 'embedMaxWaitMs'
  | 'embedMaxQueue'
  | 'textCacheSize'
  | 'imageCacheSize'
>;

/**
 * The service's embedder: one model per process, behind cache -> micro-batcher -> ONNX, so
 * cache hits never queue and only inference is batched (decoding stays per caller). Exported
 * so benchmarks measure exactly this stack.
 */
export async function createEmbedder(
  config: EmbedderConfig,
  logger: Logger,
  modelDir: string,
  metrics: Metrics = createMetrics({ defaultMetrics: false }),
): Promise<Embedder> {
  const log = logger.child({ component: 'embedder' });
  const onnx = await OnnxEmbedder.load({
    modelDir,
    maxInputPixels: config.maxImagePixels,
    intraOpNumThreads: config.ortIntraOpThreads,
    interOpNumThreads: config.ortInterOpThreads,
    allowSpinning: config.ortAllowSpinning,
    logger: log,
  });
  const batching = new BatchingEmbedder(onnx, {
    maxBatchSize: config.embedMaxBatchSize,
    maxWaitMs: config.embedMaxWaitMs,
    maxQueue: config.embedMaxQueue,
    observer: metrics.inference,
    logger: log,
  });
  return new CachingEmbedder(batching, {
    textCacheSize: config.textCacheSize,
    imageCacheSize: config.imageCacheSize,
    observer: metrics.inference,
  });
}

function createIndex(config: Config, logger: Logger, binding: ProductIndexBinding): ProductIndex {
  const es = config.elasticsearch;
  if (es === undefined) {
    return new SqliteProductIndex({
      dataDir: config.dataDir,
      binding,
      logger: logger.child({ component: 'sqlite-index' }),
    });
  }
  return new ElasticsearchProductIndex({
    node: es.url,
    auth: es.auth,
    ca: es.caFile === undefined ? undefined : readFileSync(es.caFile, 'utf8'),
    indexPrefix: es.indexPrefix,
    binding,
    hnsw: { m: es.hnswM, efConstruction: es.hnswEfConstruction },
    requestTimeoutMs: es.requestTimeoutMs,
    logger: logger.child({ component: 'elasticsearch-index' }),
  });
}

function assemble(config: Config, embedder: Embedder, index: ProductIndex, metrics: Metrics): App {
  const search = new SearchService(embedder, index, {
    defaultFirst: 10,
    maxFirst: 100,
    depth: config.searchDepth,
    maxTextLength: 1000,
  });
  const indexing = new IndexingService(embedder, index, {
    maxImagesPerProduct: config.maxImagesPerProduct,
  });
  return {
    search,
    indexing,
    modelId: embedder.modelId,
    backend: index.kind,
    metrics,
    async readiness() {
      const [model, store] = await Promise.allSettled([embedder.ping(), index.ping()]);
      const why = (r: PromiseRejectedResult) =>
        r.reason instanceof Error ? r.reason.message : String(r.reason);
      return {
        ready: model.status === 'fulfilled' && store.status === 'fulfilled',
        checks: {
          model: model.status === 'fulfilled' ? 'loaded' : `unavailable: ${why(model)}`,
          index: store.status === 'fulfilled' ? 'reachable' : `unreachable: ${why(store)}`,
        },
      };
    },
    async close() {
      await Promise.allSettled([index.close(), embedder.close()]);
    },
  };
}
