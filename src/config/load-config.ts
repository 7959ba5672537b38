import os from 'node:os';
import { ConfigError } from '../errors/config-error';
import type { Config, ElasticsearchAuth, IndexSettings } from './config.types';
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

function nest(e: Env, machine: MachineFacts): Config {
  return {
    nodeEnv: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      graphqlPath: e.GRAPHQL_PATH,
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      maxUploadFiles: e.MAX_UPLOAD_FILES,
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
    search: { ...DEFAULTS.search, depth: e.SEARCH_DEPTH },
    indexing: { maxImagesPerProduct: e.MAX_IMAGES_PER_PRODUCT },
    index: indexSettings(e, machine),
  };
}

/**
 * The only reader of the environment. Pure: it reads the given env object and machine facts,
 * nothing else (no files: `ES_CA_FILE` stays a path). Throws ConfigError listing every problem
 * at once; otherwise returns a deeply frozen Config.
 */
export function loadConfig(
  env: RawEnv,
  machine: MachineFacts = { availableParallelism: os.availableParallelism() },
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
