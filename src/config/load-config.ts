import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors/config-error';
import type {
  Config,
  ElasticsearchAuth,
  IndexSettings,
  PhotoFetchSettings,
  PhotoStoreSettings,
} from './config.types';
import { deepFreeze } from './deep-freeze';
import { DEFAULTS } from './defaults';
import type { Env } from './env-schema';
import { envField, envSchema } from './env-schema';

export type * from './config.types';

type RawEnv = Readonly<Record<string, string | undefined>>;

/** What loadConfig needs to know about the machine: the one default that is not a constant. */
export interface MachineFacts {
  /** Cores this process may use; ORT's intra-op threads default to it. */
  readonly availableParallelism: number;
  /** The OS temp dir (`os.tmpdir()`); the upload temp dir defaults to a folder in it. */
  readonly tmpDir?: string;
}

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';

/**
 * Rules between variables, checked on whatever parsed, so they are reported together with
 * every single-variable problem rather than after the user has fixed those.
 */
function crossProblems(env: RawEnv): string[] {
  const problems: string[] = [];
  const apiKey = envField(env, 'ES_API_KEY');
  const username = envField(env, 'ES_USERNAME');
  const password = envField(env, 'ES_PASSWORD');
  if (apiKey !== undefined && username !== undefined) {
    problems.push('ES_API_KEY and ES_USERNAME are both set: use one way to authenticate');
  }
  if ((username === undefined) !== (password === undefined)) {
    problems.push('ES_USERNAME and ES_PASSWORD must be set together');
  }
  const usesEs = apiKey ?? username ?? envField(env, 'ES_CA_FILE');
  if (!isSet(env['ES_URL']) && usesEs !== undefined) {
    problems.push('Elasticsearch credentials are set but ES_URL is not');
  }
  const batch = envField(env, 'EMBED_MAX_BATCH_SIZE');
  const queue = envField(env, 'EMBED_MAX_QUEUE');
  if (batch !== undefined && queue !== undefined && queue < batch) {
    problems.push(
      `EMBED_MAX_QUEUE (${queue}) is below EMBED_MAX_BATCH_SIZE (${batch}): a full batch could never form; raise the queue or lower the batch size`,
    );
  }
  if (envField(env, 'AUTH_SEARCH') === 'key' && envField(env, 'AUTH_MODE') === 'off') {
    problems.push('AUTH_SEARCH=key needs API keys, but AUTH_MODE=off: set AUTH_MODE=keys');
  }
  if (envField(env, 'PHOTO_STORE') === 'none' && isSet(env['PHOTO_STORE_DIR'])) {
    problems.push('PHOTO_STORE_DIR is set but PHOTO_STORE is none: unset one of them');
  }
  const budget = envField(env, 'GRAPHQL_MAX_EMBEDDINGS');
  const slots = envField(env, 'EMBED_MAX_QUEUE');
  if (
    isSet(env['GRAPHQL_MAX_EMBEDDINGS']) &&
    budget !== undefined &&
    slots !== undefined &&
    budget > slots
  ) {
    problems.push(
      `GRAPHQL_MAX_EMBEDDINGS (${budget}) is above EMBED_MAX_QUEUE (${slots}): such an operation could never be admitted; lower the budget or raise the queue`,
    );
  }
  const maxBatch = envField(env, 'INTERACTION_MAX_BATCH');
  const maxQueued = envField(env, 'INTERACTION_MAX_QUEUE');
  if (maxBatch !== undefined && maxQueued !== undefined && maxQueued < maxBatch) {
    problems.push(
      `INTERACTION_MAX_QUEUE (${maxQueued}) is below INTERACTION_MAX_BATCH (${maxBatch}): a full batch could never queue; raise the queue or lower the batch`,
    );
  }
  const headersMs = envField(env, 'HTTP_HEADERS_TIMEOUT_MS');
  const requestMs = envField(env, 'HTTP_REQUEST_TIMEOUT_MS');
  if (headersMs !== undefined && requestMs !== undefined && headersMs > requestMs) {
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS (${headersMs}) is above HTTP_REQUEST_TIMEOUT_MS (${requestMs}): the headers are part of the request; lower the first or raise the second`,
    );
  }
  return problems;
}

function authOf(e: Env): ElasticsearchAuth | undefined {
  if (e.ES_API_KEY !== undefined) return { apiKey: e.ES_API_KEY };
  if (e.ES_USERNAME !== undefined && e.ES_PASSWORD !== undefined) {
    return { username: e.ES_USERNAME, password: e.ES_PASSWORD };
  }
  return undefined;
}

function indexSettings(e: Env, machine: MachineFacts): IndexSettings {
  if (e.ES_URL === undefined) {
    return {
      kind: 'sqlite',
      dataDir: e.DATA_DIR,
      readWorkers:
        e.SQLITE_READ_WORKERS ??
        Math.min(DEFAULTS.sqlite.maxDefaultReadWorkers, Math.max(1, machine.availableParallelism)),
    };
  }
  return {
    kind: 'elasticsearch',
    url: e.ES_URL,
    auth: authOf(e),
    caFile: e.ES_CA_FILE,
    indexPrefix: e.ES_INDEX_PREFIX,
    hnsw: { m: e.ES_HNSW_M, efConstruction: e.ES_HNSW_EF_CONSTRUCTION },
    requestTimeoutMs: e.ES_REQUEST_TIMEOUT_MS,
  };
}

function photoFetchSettings(e: Env): PhotoFetchSettings {
  return {
    allowPrivate: e.IMAGE_FETCH_ALLOW_PRIVATE,
    allowHosts: e.IMAGE_FETCH_ALLOW_HOSTS,
    maxRedirects: e.IMAGE_FETCH_MAX_REDIRECTS,
    connectTimeoutMs: e.IMAGE_FETCH_CONNECT_TIMEOUT_MS,
    timeoutMs: e.IMAGE_FETCH_TIMEOUT_MS,
    // A fetched photo is held to the same limit as an uploaded one unless told otherwise.
    maxBytes: e.IMAGE_FETCH_MAX_BYTES ?? e.MAX_UPLOAD_BYTES,
    maxConcurrency: e.IMAGE_FETCH_MAX_CONCURRENCY,
    maxPerHost: e.IMAGE_FETCH_MAX_PER_HOST,
    retries: e.IMAGE_FETCH_RETRIES,
    retryBaseDelayMs: e.IMAGE_FETCH_RETRY_BASE_MS,
    maxRetryAfterMs: e.IMAGE_FETCH_MAX_RETRY_AFTER_MS,
  };
}

function photoStoreSettings(e: Env): PhotoStoreSettings {
  if (e.PHOTO_STORE === 'none') return { kind: 'none' };
  return {
    kind: 'fs',
    dir: e.PHOTO_STORE_DIR ?? path.join(e.DATA_DIR, DEFAULTS.photoStore.subdir),
  };
}

function nest(e: Env, machine: MachineFacts): Config {
  return {
    nodeEnv: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      graphqlPath: e.GRAPHQL_PATH,
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      maxUploadFiles: e.MAX_UPLOAD_FILES,
      trustProxy: e.TRUST_PROXY,
      uploadTmpDir:
        e.UPLOAD_TMP_DIR ??
        path.join(machine.tmpDir ?? os.tmpdir(), DEFAULTS.http.uploadTmpDirName),
    },
    log: { level: e.LOG_LEVEL },
    model: {
      name: e.MODEL,
      dir: e.MODEL_DIR,
      modelsDir: e.MODELS_DIR,
      autoFetch: e.MODEL_AUTO_FETCH,
      baseUrl: e.MODELS_BASE_URL,
      allowUnverified: e.MODELS_ALLOW_UNVERIFIED,
    },
    inference: {
      maxImagePixels: e.MAX_IMAGE_PIXELS,
      preprocessThreads:
        e.PREPROCESS_THREADS ??
        Math.min(
          DEFAULTS.inference.maxDefaultPreprocessThreads,
          Math.max(1, machine.availableParallelism),
        ),
      ort: {
        intraOpNumThreads: e.ORT_INTRA_OP_THREADS ?? machine.availableParallelism,
        interOpNumThreads: e.ORT_INTER_OP_THREADS,
        allowSpinning: e.ORT_ALLOW_SPINNING,
      },
      batching: {
        maxBatchSize: e.EMBED_MAX_BATCH_SIZE,
        maxWaitMs: e.EMBED_MAX_WAIT_MS,
        maxQueue: e.EMBED_MAX_QUEUE,
      },
      cache: { textCacheSize: e.TEXT_CACHE_SIZE, imageCacheSize: e.IMAGE_CACHE_SIZE },
    },
    search: {
      ...DEFAULTS.search,
      depth: e.SEARCH_DEPTH,
      maxExamples: e.SEARCH_MAX_EXAMPLES,
      priceBuckets: e.SEARCH_PRICE_BUCKETS,
    },
    nearDuplicates: { ...DEFAULTS.nearDuplicates },
    indexing: {
      maxImagesPerProduct: e.MAX_IMAGES_PER_PRODUCT,
      maxBatch: e.INDEX_MAX_BATCH,
      fetchConcurrency: e.INDEX_FETCH_CONCURRENCY,
    },
    index: indexSettings(e, machine),
    auth: {
      // Asking for search keys is asking for keys, in any NODE_ENV.
      mode:
        e.AUTH_MODE ?? (e.NODE_ENV === 'production' || e.AUTH_SEARCH === 'key' ? 'keys' : 'off'),
      search: e.AUTH_SEARCH,
      keyStoreFile: path.join(e.DATA_DIR, DEFAULTS.auth.keyStoreFileName),
    },
    metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT },
    photoFetch: photoFetchSettings(e),
    photoStore: photoStoreSettings(e),
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      // Unset, the budget shrinks with a small queue rather than refuse to start.
      maxEmbeddings:
        e.GRAPHQL_MAX_EMBEDDINGS ?? Math.min(DEFAULTS.graphql.maxEmbeddings, e.EMBED_MAX_QUEUE),
      embeddingSlots: e.EMBED_MAX_QUEUE,
      maxSimilar: e.GRAPHQL_MAX_SIMILAR,
    },
    rateLimit: rateLimitSettings(e),
    interactions: interactionSettings(e),
    connections: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
  };
}

function interactionSettings(e: Env): Config['interactions'] {
  const { halfLifeDays: _days, sqliteFileName, writes, ...fixed } = DEFAULTS.interactions;
  return {
    ...fixed,
    halfLifeMs: e.INTERACTION_HALF_LIFE_DAYS * 86_400_000,
    maxBatch: e.INTERACTION_MAX_BATCH,
    maxClockSkewMs: e.INTERACTION_MAX_SKEW_MS,
    writes: { ...writes, maxQueued: e.INTERACTION_MAX_QUEUE },
    sqliteFile: path.join(e.DATA_DIR, sqliteFileName),
  };
}

function rateLimitSettings(e: Env): Config['rateLimit'] {
  const production = e.NODE_ENV === 'production';
  const { windowSeconds, anonymousInProduction, perKeyInProduction } = DEFAULTS.rateLimit;
  return {
    windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS ?? windowSeconds,
    anonymous: e.RATE_LIMIT_ANONYMOUS ?? (production ? anonymousInProduction : 0),
    perKey: e.RATE_LIMIT_PER_KEY ?? (production ? perKeyInProduction : 0),
  };
}

/**
 * The only reader of the environment. Pure: it reads the given env object and machine facts,
 * nothing else (no files: `ES_CA_FILE` stays a path). Throws ConfigError listing every problem
 * at once; otherwise returns a deeply frozen Config.
 */
export function loadConfig(
  env: RawEnv,
  machine: MachineFacts = { availableParallelism: os.availableParallelism(), tmpDir: os.tmpdir() },
): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map(
        (i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`,
      );
  problems.push(...crossProblems(env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(nest(parsed.data, machine));
}
