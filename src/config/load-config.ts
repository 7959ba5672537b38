import { z } from 'zod';

/**
 * Every setting the service reads, validated once into a frozen object. The README's
 * configuration table documents the same names; keep them in step.
 */
export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly graphqlPath: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where the SQLite backend keeps its SQLite files. */
  readonly dataDir: string;
  /** Catalog model name; ignored when modelDir is set. */
  readonly model: string;
  /** Explicit model folder; wins over `model` and skips the catalog. */
  readonly modelDir: string | undefined;
  /** Where catalog models are downloaded to. */
  readonly modelsDir: string;
  /** Download a missing catalog model at start-up. */
  readonly modelAutoFetch: boolean;
  /** Mirror root for model downloads (`<base>/<model>/<file>`). */
  readonly modelsBaseUrl: string | undefined;
  /**
   * Accept catalog files that have no published hash (small JSON configs). Files with a
   * published hash are always verified.
   */
  readonly modelsAllowUnverified: boolean;
  readonly ortIntraOpThreads: number | undefined;
  readonly ortInterOpThreads: number | undefined;
  /** Let ORT's threads spin between runs (faster hand-off, but burns cores sharp could use). */
  readonly ortAllowSpinning: boolean;
  /** Most inputs in one ONNX Runtime run (micro-batching). */
  readonly embedMaxBatchSize: number;
  /** Longest an input waits for others before an idle model runs the batch. */
  readonly embedMaxWaitMs: number;
  /** Inputs per kind (image / text) admitted at once; beyond it calls fail with OVERLOADED. */
  readonly embedMaxQueue: number;
  /** Text embeddings kept in the LRU (0 disables it). */
  readonly textCacheSize: number;
  /** Image embeddings kept in the LRU, keyed by content hash (0 disables it). */
  readonly imageCacheSize: number;
  readonly maxUploadBytes: number;
  readonly maxUploadFiles: number;
  readonly maxImagePixels: number;
  readonly maxImagesPerProduct: number;
  /** How deep each ranked list is read for fused queries; also the deepest reachable page. */
  readonly searchDepth: number;
  readonly elasticsearch: ElasticsearchConfig | undefined;
}

export interface ElasticsearchConfig {
  readonly url: string;
  readonly auth:
    | { readonly apiKey: string }
    | { readonly username: string; readonly password: string }
    | undefined;
  readonly caFile: string | undefined;
  readonly indexPrefix: string;
  readonly hnswM: number;
  readonly hnswEfConstruction: number;
  readonly requestTimeoutMs: number;
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(4000),
  GRAPHQL_PATH: z
    .string()
    .regex(/^\/[\w\-/]*$/)
    .default('/graphql'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),
  MODEL: z.string().min(1).default('ViT-B-32__laion2b-s34b-b79k'),
  MODEL_DIR: optionalString,
  MODELS_DIR: z.string().min(1).default('./models/cache'),
  MODEL_AUTO_FETCH: bool.default(true),
  MODELS_BASE_URL: optionalString.pipe(z.string().url().optional()),
  MODELS_ALLOW_UNVERIFIED: bool.default(true),
  ORT_INTRA_OP_THREADS: int(1, 256).optional(),
  ORT_INTER_OP_THREADS: int(1, 256).optional(),
  ORT_ALLOW_SPINNING: bool.default(false),
  EMBED_MAX_BATCH_SIZE: int(1, 256).default(16),
  EMBED_MAX_WAIT_MS: int(0, 1000).default(5),
  EMBED_MAX_QUEUE: int(1, 100_000).default(256),
  TEXT_CACHE_SIZE: int(0, 1_000_000).default(4096),
  IMAGE_CACHE_SIZE: int(0, 1_000_000).default(4096),
  MAX_UPLOAD_BYTES: int(1024, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
  MAX_UPLOAD_FILES: int(1, 100).default(10),
  MAX_IMAGE_PIXELS: int(1, 1_000_000_000).default(40_000_000),
  MAX_IMAGES_PER_PRODUCT: int(1, 100).default(10),
  SEARCH_DEPTH: int(10, 10_000).default(200),
  ES_URL: optionalString.pipe(z.string().url().optional()),
  ES_API_KEY: optionalString,
  ES_USERNAME: optionalString,
  ES_PASSWORD: optionalString,
  ES_CA_FILE: optionalString,
  ES_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/)
    .default('products'),
  ES_HNSW_M: int(2, 512).default(16),
  ES_HNSW_EF_CONSTRUCTION: int(10, 4096).default(100),
  ES_REQUEST_TIMEOUT_MS: int(100, 600_000).default(30_000),
});

type Env = z.infer<typeof envSchema>;

/** Thrown by loadConfig; lists every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function elasticsearchConfig(env: Env, problems: string[]): ElasticsearchConfig | undefined {
  const { ES_URL, ES_API_KEY, ES_USERNAME, ES_PASSWORD } = env;
  if (ES_API_KEY !== undefined && ES_USERNAME !== undefined) {
    problems.push('ES_API_KEY and ES_USERNAME are both set: use one way to authenticate');
  }
  if ((ES_USERNAME === undefined) !== (ES_PASSWORD === undefined)) {
    problems.push('ES_USERNAME and ES_PASSWORD must be set together');
  }
  const usesEs = ES_API_KEY ?? ES_USERNAME ?? env.ES_CA_FILE;
  if (ES_URL === undefined) {
    if (usesEs !== undefined) problems.push('Elasticsearch credentials are set but ES_URL is not');
    return undefined;
  }
  const auth =
    ES_API_KEY !== undefined
      ? { apiKey: ES_API_KEY }
      : ES_USERNAME !== undefined && ES_PASSWORD !== undefined
        ? { username: ES_USERNAME, password: ES_PASSWORD }
        : undefined;
  return {
    url: ES_URL,
    auth,
    caFile: env.ES_CA_FILE,
    indexPrefix: env.ES_INDEX_PREFIX,
    hnswM: env.ES_HNSW_M,
    hnswEfConstruction: env.ES_HNSW_EF_CONSTRUCTION,
    requestTimeoutMs: env.ES_REQUEST_TIMEOUT_MS,
  };
}

/** Pure: reads only the given env object. Throws ConfigError listing every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`,
      ),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const elasticsearch = elasticsearchConfig(e, problems);
  if (e.EMBED_MAX_QUEUE < e.EMBED_MAX_BATCH_SIZE) {
    problems.push(
      `EMBED_MAX_QUEUE (${e.EMBED_MAX_QUEUE}) is below EMBED_MAX_BATCH_SIZE (${e.EMBED_MAX_BATCH_SIZE}): a full batch could never form; raise the queue or lower the batch size`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    graphqlPath: e.GRAPHQL_PATH,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    model: e.MODEL,
    modelDir: e.MODEL_DIR,
    modelsDir: e.MODELS_DIR,
    modelAutoFetch: e.MODEL_AUTO_FETCH,
    modelsBaseUrl: e.MODELS_BASE_URL,
    modelsAllowUnverified: e.MODELS_ALLOW_UNVERIFIED,
    ortIntraOpThreads: e.ORT_INTRA_OP_THREADS,
    ortInterOpThreads: e.ORT_INTER_OP_THREADS,
    ortAllowSpinning: e.ORT_ALLOW_SPINNING,
    embedMaxBatchSize: e.EMBED_MAX_BATCH_SIZE,
    embedMaxWaitMs: e.EMBED_MAX_WAIT_MS,
    embedMaxQueue: e.EMBED_MAX_QUEUE,
    textCacheSize: e.TEXT_CACHE_SIZE,
    imageCacheSize: e.IMAGE_CACHE_SIZE,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    maxUploadFiles: e.MAX_UPLOAD_FILES,
    maxImagePixels: e.MAX_IMAGE_PIXELS,
    maxImagesPerProduct: e.MAX_IMAGES_PER_PRODUCT,
    searchDepth: e.SEARCH_DEPTH,
    elasticsearch: elasticsearch === undefined ? undefined : Object.freeze(elasticsearch),
  });
}
