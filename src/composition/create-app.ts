import type { Config } from '../config/load-config';
import { ConfigError } from '../errors/config-error';
import type { Logger } from '../observability/logger';
import { InstrumentedProductIndex } from '../observability/instrumented-product-index';
import type { Metrics } from '../observability/metrics';
import { createMetrics } from '../observability/metrics';
import type { Embedder } from '../ports/embedder.port';
import type { PhotoFetcher } from '../ports/photo-fetcher.port';
import type { PhotoStore } from '../ports/photo-store.port';
import type { ProductIndex } from '../ports/product-index.port';
import type { ApiKeyStore } from '../ports/api-key-store.port';
import type { InteractionStore } from '../ports/interaction-store.port';
import { AccessService } from '../services/access/access.service';
import { FeedbackService } from '../services/feedback/feedback.service';
import { IndexingService } from '../services/indexing/indexing.service';
import { NearDuplicatesService } from '../services/catalog/near-duplicates.service';
import { SearchService } from '../services/search/search.service';
import { createEmbedder } from './create-embedder';
import { createIndex } from './create-index';
import { createInteractionStore } from './create-interaction-store';
import { createKeyStore } from './create-key-store';
import { createPhotoFetcher } from './create-photo-fetcher';
import { createPhotoStore } from './create-photo-store';

interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, string>>;
}

/** Everything the transport layer needs; built only here. */
export interface App {
  readonly search: SearchService;
  readonly indexing: IndexingService;
  /** Catalog cleaning: near-duplicate products (nearDuplicateProducts). */
  readonly nearDuplicates: NearDuplicatesService;
  /** API keys: authenticate a request's key, authorise its operations (AUTH_MODE). */
  readonly access: AccessService;
  /** The feedback loop: recordInteractions, and the popularity the search blends in. */
  readonly feedback: FeedbackService;
  readonly modelId: string;
  readonly backend: string;
  /** This app's own Prometheus registry: serve `metrics.render()` at GET /metrics. */
  readonly metrics: Metrics;
  /** Kept originals, served at GET /photos/<sha256> (empty when PHOTO_STORE=none). */
  readonly photos: PhotoStore;
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
  modelDir: string | undefined = config.model.dir,
): Promise<App> {
  if (modelDir === undefined) {
    // A start-up setting is missing, like any other bad variable: one kind, one message style.
    throw new ConfigError(['MODEL_DIR: not set, and no catalog model was resolved']);
  }
  const metrics = createMetrics();
  const embedder = await createEmbedder(config.inference, logger, modelDir, metrics);
  let index: ProductIndex;
  let keys: ApiKeyStore;
  let photos: PhotoStore;
  try {
    keys = createKeyStore(config.auth);
  } catch (error) {
    await embedder.close();
    throw error;
  }
  try {
    photos = await createPhotoStore(config.photoStore);
  } catch (error) {
    await Promise.allSettled([embedder.close(), keys.close()]);
    throw error;
  }
  const photoFetcher = createPhotoFetcher(config.photoFetch, logger);
  try {
    const binding = { modelId: embedder.modelId, dims: embedder.dims };
    const adapter = createIndex(config.index, logger, binding);
    index = new InstrumentedProductIndex(adapter, metrics.backend);
    await index.open();
  } catch (error) {
    await Promise.allSettled([embedder.close(), keys.close(), photoFetcher.close()]);
    throw error;
  }
  const interactions = createInteractionStore(config.index, config.interactions);
  try {
    await interactions.open();
  } catch (error) {
    await Promise.allSettled([index.close(), embedder.close(), keys.close(), photoFetcher.close()]);
    throw error;
  }
  if (config.auth.mode === 'off' && config.nodeEnv === 'production') {
    logger.warn('AUTH_MODE=off: anyone who reaches this service can change the catalog');
  }
  logger.info(
    { model: embedder.modelId, dims: embedder.dims, backend: index.kind },
    'search engine ready',
  );
  const parts = { embedder, index, keys, photos, photoFetcher, interactions };
  const app = assemble(config, parts, metrics);
  await warnWithoutKeys(config, app.access, logger);
  return app;
}

/** A newcomer's first write would fail with UNAUTHENTICATED: say at start how to get a key. */
async function warnWithoutKeys(config: Config, access: AccessService, logger: Logger) {
  if (config.auth.mode !== 'keys') return;
  const active = (await access.listKeys()).filter((key) => key.revokedAt === undefined);
  if (active.length > 0) return;
  logger.warn(
    'AUTH_MODE=keys and no API key exists yet: writes will fail with UNAUTHENTICATED; ' +
      'create one with: npm run keys -- create --name <name> --scopes catalog:write',
  );
}

function assemble(
  config: Config,
  parts: {
    embedder: Embedder;
    index: ProductIndex;
    keys: ApiKeyStore;
    photos: PhotoStore;
    photoFetcher: PhotoFetcher & { close(): Promise<void> };
    interactions: InteractionStore;
  },
  metrics: Metrics,
): App {
  const { embedder, index, keys, photos, photoFetcher, interactions } = parts;
  const access = new AccessService(keys, config.auth);
  const feedback = new FeedbackService(interactions, index, config.interactions, {
    observer: metrics.feedback,
  });
  // The indexing service's fetcher: photo URLs in searches obey the same rules and limits.
  const search = new SearchService(embedder, index, config.search, photoFetcher, feedback);
  const indexing = new IndexingService(embedder, index, config.indexing, {
    photoFetcher,
    // No originals kept: the service skips the store's writes and clean-up altogether.
    photoStore: config.photoStore.kind === 'none' ? null : photos,
    observer: metrics.indexing,
  });
  return {
    search,
    indexing,
    nearDuplicates: new NearDuplicatesService(index, config.nearDuplicates),
    access,
    feedback,
    modelId: embedder.modelId,
    backend: index.kind,
    metrics,
    photos,
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
      await Promise.allSettled([
        index.close(),
        interactions.close(),
        embedder.close(),
        keys.close(),
        photoFetcher.close(),
      ]);
    },
  };
}
