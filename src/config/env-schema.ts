import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import { priceBucketsProblem } from '../domain/price-buckets';
import { DEFAULTS } from './defaults';

/**
 * The environment variables the service reads, one entry each, checked one at a time (the
 * README's configuration table documents the same names). Rules that involve two variables
 * live in loadConfig, so they can be reported alongside these.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
// An empty or blank variable means "unset": `FOO= npm start` should not be an error.
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const { http, model, inference, elasticsearch: es, photoFetch: photo, graphql: gql } = DEFAULTS;

// IMAGE_FETCH_ALLOW_HOSTS: `images.internal, *.cdn.internal, 10.20.0.0/16, 127.0.0.1`.
const HOSTNAME = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;
const allowEntry = (entry: string) =>
  ipaddr.isValid(entry) || ipaddr.isValidCIDR(entry) || HOSTNAME.test(entry);
const hostList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((e) => e !== ''),
  )
  .refine((entries) => entries.every(allowEntry), {
    message: 'each entry must be a hostname (*.example.com for subdomains), an IP or a CIDR',
  });

// TRUST_PROXY: off, a hop count, or the proxies' addresses (express's `trust proxy`, which
// proxy-addr evaluates). `true` is refused: it would believe any X-Forwarded-For a client sends.
const TRUST_PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const trustProxyEntry = (entry: string) =>
  TRUST_PROXY_RANGES.has(entry) || ipaddr.isValid(entry) || ipaddr.isValidCIDR(entry);
const trustProxy = z
  .string()
  .optional()
  .transform((v) => (v ?? '').trim())
  .refine((v) => v !== 'true', {
    message:
      'true would trust any X-Forwarded-For a client sends: give the number of proxies in front of the service or their addresses',
  })
  .transform((v): false | number | string[] => {
    if (v === '') return http.trustProxy;
    if (v === 'false' || v === '0') return false;
    if (/^\d+$/.test(v)) return Number(v);
    return v.split(',').map((entry) => entry.trim());
  })
  .refine((v) => typeof v !== 'number' || v <= 32, { message: 'at most 32 proxy hops' })
  .refine((v) => !Array.isArray(v) || (v.length > 0 && v.every(trustProxyEntry)), {
    message:
      'a hop count, or a comma-separated list of IPs, CIDRs, loopback, linklocal or uniquelocal',
  });

// SEARCH_PRICE_BUCKETS: `0,25,50,100`: ascending edges; facets get one bucket more than edges.
const priceEdges = z
  .string()
  .optional()
  .transform((v) =>
    v === undefined || v.trim() === ''
      ? [...DEFAULTS.search.priceBuckets]
      : v.split(',').map((edge) => (edge.trim() === '' ? Number.NaN : Number(edge))),
  )
  .superRefine((edges, ctx) => {
    const problem = priceBucketsProblem(edges);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default(DEFAULTS.nodeEnv),
  HOST: z.string().min(1).default(http.host),
  PORT: int(0, 65535).default(http.port),
  GRAPHQL_PATH: z
    .string()
    .regex(/^\/[\w\-/]*$/)
    .default(http.graphqlPath),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default(DEFAULTS.log.level),
  DATA_DIR: z.string().min(1).default(DEFAULTS.sqlite.dataDir),
  MODEL: z.string().min(1).default(model.name),
  MODEL_DIR: optionalString,
  MODELS_DIR: z.string().min(1).default(model.modelsDir),
  MODEL_AUTO_FETCH: bool.default(model.autoFetch),
  MODELS_BASE_URL: optionalString.pipe(z.string().url().optional()),
  MODELS_ALLOW_UNVERIFIED: bool.default(model.allowUnverified),
  ORT_INTRA_OP_THREADS: int(1, 256).optional(),
  PREPROCESS_THREADS: int(0, 64).optional(),
  ORT_INTER_OP_THREADS: int(1, 256).default(inference.ort.interOpNumThreads),
  ORT_ALLOW_SPINNING: bool.default(inference.ort.allowSpinning),
  EMBED_MAX_BATCH_SIZE: int(1, 256).default(inference.batching.maxBatchSize),
  EMBED_MAX_WAIT_MS: int(0, 1000).default(inference.batching.maxWaitMs),
  EMBED_MAX_QUEUE: int(1, 100_000).default(inference.batching.maxQueue),
  TEXT_CACHE_SIZE: int(0, 1_000_000).default(inference.cache.textCacheSize),
  IMAGE_CACHE_SIZE: int(0, 1_000_000).default(inference.cache.imageCacheSize),
  MAX_UPLOAD_BYTES: int(1024, 1024 * 1024 * 1024).default(http.maxUploadBytes),
  TRUST_PROXY: trustProxy,
  UPLOAD_TMP_DIR: optionalString,
  MAX_UPLOAD_FILES: int(1, 100).default(http.maxUploadFiles),
  MAX_IMAGE_PIXELS: int(1, 1_000_000_000).default(inference.maxImagePixels),
  MAX_IMAGES_PER_PRODUCT: int(1, 100).default(DEFAULTS.indexing.maxImagesPerProduct),
  INDEX_MAX_BATCH: int(1, 1000).default(DEFAULTS.indexing.maxBatch),
  INDEX_FETCH_CONCURRENCY: int(1, 256).default(DEFAULTS.indexing.fetchConcurrency),
  SEARCH_DEPTH: int(10, 10_000).default(DEFAULTS.search.depth),
  SEARCH_MAX_EXAMPLES: int(1, 256).default(DEFAULTS.search.maxExamples),
  SEARCH_PRICE_BUCKETS: priceEdges,
  ES_URL: optionalString.pipe(z.string().url().optional()),
  ES_API_KEY: optionalString,
  ES_USERNAME: optionalString,
  ES_PASSWORD: optionalString,
  ES_CA_FILE: optionalString,
  ES_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/)
    .default(es.indexPrefix),
  ES_HNSW_M: int(2, 512).default(es.hnsw.m),
  ES_HNSW_EF_CONSTRUCTION: int(10, 4096).default(es.hnsw.efConstruction),
  ES_REQUEST_TIMEOUT_MS: int(100, 600_000).default(es.requestTimeoutMs),
  // Unset: derived from NODE_ENV in loadConfig (keys in production, off elsewhere).
  AUTH_MODE: z.enum(['keys', 'off']).optional(),
  AUTH_SEARCH: z.enum(['open', 'key']).default(DEFAULTS.auth.search),
  METRICS_HOST: z.string().min(1).default(DEFAULTS.metrics.host),
  METRICS_PORT: int(0, 65535).default(DEFAULTS.metrics.port),
  IMAGE_FETCH_ALLOW_PRIVATE: bool.default(photo.allowPrivate),
  IMAGE_FETCH_ALLOW_HOSTS: hostList,
  IMAGE_FETCH_MAX_REDIRECTS: int(0, 10).default(photo.maxRedirects),
  IMAGE_FETCH_CONNECT_TIMEOUT_MS: int(100, 120_000).default(photo.connectTimeoutMs),
  IMAGE_FETCH_TIMEOUT_MS: int(100, 600_000).default(photo.timeoutMs),
  IMAGE_FETCH_MAX_BYTES: int(1024, 1024 * 1024 * 1024).optional(),
  IMAGE_FETCH_MAX_CONCURRENCY: int(1, 1024).default(photo.maxConcurrency),
  IMAGE_FETCH_MAX_PER_HOST: int(1, 256).default(photo.maxPerHost),
  IMAGE_FETCH_RETRIES: int(0, 10).default(photo.retries),
  IMAGE_FETCH_RETRY_BASE_MS: int(1, 60_000).default(photo.retryBaseDelayMs),
  IMAGE_FETCH_MAX_RETRY_AFTER_MS: int(0, 600_000).default(photo.maxRetryAfterMs),
  PHOTO_STORE: z.enum(['fs', 'none']).default(DEFAULTS.photoStore.kind),
  PHOTO_STORE_DIR: optionalString,
  // Query limits and rate limits (defaults that depend on NODE_ENV are applied in loadConfig).
  GRAPHQL_INTROSPECTION: bool.optional(),
  GRAPHQL_MAX_DEPTH: int(1, 1000).default(gql.maxDepth),
  GRAPHQL_MAX_ALIASES: int(0, 100_000).default(gql.maxAliases),
  GRAPHQL_MAX_TOKENS: int(100, 10_000_000).default(gql.maxTokens),
  GRAPHQL_MAX_COST: int(1, 1_000_000_000).default(gql.maxCost),
  GRAPHQL_MAX_DIRECTIVES: int(0, 100_000).default(gql.maxDirectives),
  GRAPHQL_MAX_EMBEDDINGS: int(1, 100_000).optional(),
  GRAPHQL_MAX_SIMILAR: int(0, 10_000).default(gql.maxSimilar),
  RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(DEFAULTS.rateLimit.windowSeconds),
  RATE_LIMIT_ANONYMOUS: int(0, 10_000_000).optional(),
  RATE_LIMIT_PER_KEY: int(0, 10_000_000).optional(),
  HTTP_HEADERS_TIMEOUT_MS: int(100, 600_000).default(DEFAULTS.connections.headersTimeoutMs),
  HTTP_REQUEST_TIMEOUT_MS: int(100, 3_600_000).default(DEFAULTS.connections.requestTimeoutMs),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100, 600_000).default(DEFAULTS.connections.keepAliveTimeoutMs),
  HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(DEFAULTS.connections.maxConnections),
  // The feedback loop (issue 12).
  INTERACTION_HALF_LIFE_DAYS: int(1, 3650).default(DEFAULTS.interactions.halfLifeDays),
  INTERACTION_MAX_BATCH: int(1, 100_000).default(DEFAULTS.interactions.maxBatch),
  INTERACTION_MAX_QUEUE: int(1, 10_000_000).default(DEFAULTS.interactions.writes.maxQueued),
  INTERACTION_MAX_SKEW_MS: int(0, 86_400_000).default(DEFAULTS.interactions.maxClockSkewMs),
  // SQLite in-memory vector index (issue 13).
  SQLITE_READ_WORKERS: int(1, 64).optional(),
});

export type Env = z.infer<typeof envSchema>;

type EnvShape = typeof envSchema.shape;

/** One variable parsed alone: its value, or undefined when it is invalid (reported elsewhere). */
export function envField<K extends keyof EnvShape>(
  env: Readonly<Record<string, string | undefined>>,
  key: K,
): z.output<EnvShape[K]> | undefined {
  const parsed = envSchema.shape[key].safeParse(env[key]);
  return parsed.success ? (parsed.data as z.output<EnvShape[K]>) : undefined;
}
