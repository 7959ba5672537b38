import os from 'node:os';
import path from 'node:path';
import { DEFAULTS } from '../../../src/config/defaults';
import type { Config } from '../../../src/config/load-config';
import { loadConfig } from '../../../src/config/load-config';
import { ConfigError } from '../../../src/errors/config-error';

const machine = { availableParallelism: 3 };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, machine);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** The variable each problem names first (every problem starts with one). */
const variables = (problems: readonly string[]) => problems.map((p) => p.split(/[: ]/)[0]);

function elasticsearch(config: Config) {
  if (config.index.kind !== 'elasticsearch') throw new Error('expected Elasticsearch');
  return config.index;
}

describe('loadConfig', () => {
  it('reads SQLITE_READ_WORKERS, defaulting to the cores (at most 16), and refuses 0', () => {
    const workers = (env: Record<string, string>, cores = 3) => {
      const { index } = loadConfig(env, { availableParallelism: cores });
      return index.kind === 'sqlite' ? index.readWorkers : null;
    };
    expect(workers({ SQLITE_READ_WORKERS: '5' })).toBe(5);
    expect(workers({}, 64)).toBe(16);
    expect(variables(problemsOf({ SQLITE_READ_WORKERS: '0' }))).toEqual(['SQLITE_READ_WORKERS']);
  });

  it('defaults to the SQLite backend and the default catalog model', () => {
    const config = loadConfig({}, machine);
    expect(config.index).toEqual({ kind: 'sqlite', dataDir: './data', readWorkers: 3 });
    expect(config.model).toEqual({
      name: 'ViT-B-32__laion2b-s34b-b79k',
      dir: undefined,
      modelsDir: './models/cache',
      autoFetch: true,
      baseUrl: undefined,
      allowUnverified: true,
    });
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 4000,
      graphqlPath: '/graphql',
      maxUploadBytes: 10 * 1024 * 1024,
      maxUploadFiles: 10,
      trustProxy: false,
      uploadTmpDir: path.join(os.tmpdir(), 'product-image-search-uploads'),
    });
    expect(config.nodeEnv).toBe('production');
    expect(config.log).toEqual({ level: 'info' });
    expect(config.indexing).toEqual({
      maxImagesPerProduct: 10,
      maxBatch: 100,
      fetchConcurrency: 8,
    });
  });

  it('gives SearchService its limits, all from the defaults but the depth, examples and price buckets', () => {
    expect(loadConfig({}, machine).search).toEqual({
      defaultFirst: 10,
      maxFirst: 100,
      depth: 200,
      maxTextLength: 1000,
      maxExamples: 16,
      priceBuckets: [0, 25, 50, 100, 250, 500],
    });
    expect(
      loadConfig({ SEARCH_PRICE_BUCKETS: ' 5, 10.5 ,20' }, machine).search.priceBuckets,
    ).toEqual([5, 10.5, 20]);
    expect(loadConfig({ SEARCH_DEPTH: '50', SEARCH_MAX_EXAMPLES: '4' }, machine).search).toEqual({
      ...DEFAULTS.search,
      depth: 50,
      maxExamples: 4,
    });
  });

  it.each(['10,5', '1,,2', '-1,3', 'x', Array.from({ length: 21 }, (_, i) => i).join(',')])(
    'refuses SEARCH_PRICE_BUCKETS=%s naming the variable',
    (value) => {
      expect(() => loadConfig({ SEARCH_PRICE_BUCKETS: value }, machine)).toThrow(
        /SEARCH_PRICE_BUCKETS/,
      );
    },
  );

  it('freezes every section, not only the top', () => {
    const config = loadConfig({ ES_URL: 'http://es:9200', ES_API_KEY: 'k' }, machine);
    const objects = [
      config,
      config.http,
      config.model,
      config.inference,
      config.inference.ort,
      config.search,
      config.index,
      elasticsearch(config).hnsw,
      elasticsearch(config).auth,
    ];
    for (const object of objects) expect(Object.isFrozen(object)).toBe(true);
    expect(Object.isFrozen(DEFAULTS.elasticsearch.hnsw)).toBe(true);
  });

  it('reads every variable it documents into its section', () => {
    const config = loadConfig(
      {
        PORT: '0',
        DATA_DIR: '/tmp/x',
        MODEL_DIR: '/models/toy',
        MAX_UPLOAD_BYTES: '2048',
        MAX_IMAGE_PIXELS: '100',
        MAX_IMAGES_PER_PRODUCT: '3',
        MODEL_AUTO_FETCH: 'false',
        LOG_LEVEL: 'silent',
      },
      machine,
    );
    expect(config.http).toMatchObject({ port: 0, maxUploadBytes: 2048 });
    expect(config.index).toEqual({ kind: 'sqlite', dataDir: '/tmp/x', readWorkers: 3 });
    expect(config.model).toMatchObject({ dir: '/models/toy', autoFetch: false });
    expect(config.inference.maxImagePixels).toBe(100);
    expect(config.indexing.maxImagesPerProduct).toBe(3);
    expect(config.log.level).toBe('silent');
  });

  it('picks Elasticsearch when ES_URL is set, with its own settings', () => {
    const config = loadConfig(
      {
        ES_URL: 'http://127.0.0.1:9200',
        ES_API_KEY: 'abc',
        ES_CA_FILE: '/etc/ca.pem',
        ES_HNSW_M: '32',
        DATA_DIR: '/ignored',
      },
      machine,
    );
    expect(config.index).toEqual({
      kind: 'elasticsearch',
      url: 'http://127.0.0.1:9200',
      auth: { apiKey: 'abc' },
      caFile: '/etc/ca.pem',
      indexPrefix: 'products',
      hnsw: { m: 32, efConstruction: 100 },
      requestTimeoutMs: 30_000,
    });
    const basic = loadConfig(
      { ES_URL: 'http://es:9200', ES_USERNAME: 'u', ES_PASSWORD: 'p' },
      machine,
    );
    expect(elasticsearch(basic).auth).toEqual({ username: 'u', password: 'p' });
    expect(elasticsearch(loadConfig({ ES_URL: 'http://es:9200' }, machine)).auth).toBeUndefined();
  });

  it('lists every bad variable at once, cross-variable rules included', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      MAX_UPLOAD_BYTES: '-1',
      ES_URL: 'not a url',
      ES_API_KEY: 'k',
      ES_USERNAME: 'u',
      ES_PASSWORD: 'p',
      EMBED_MAX_QUEUE: '4',
    });
    expect(variables(problems)).toEqual(
      expect.arrayContaining([
        'PORT',
        'MAX_UPLOAD_BYTES',
        'ES_URL',
        'ES_API_KEY',
        'EMBED_MAX_QUEUE',
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('refuses conflicting credentials and credentials without a URL', () => {
    expect(
      problemsOf({ ES_URL: 'http://es:9200', ES_API_KEY: 'k', ES_USERNAME: 'u', ES_PASSWORD: 'p' }),
    ).toHaveLength(1);
    expect(problemsOf({ ES_URL: 'http://es:9200', ES_USERNAME: 'u' })).toHaveLength(1);
    expect(problemsOf({ ES_API_KEY: 'k' })).toHaveLength(1);
    expect(problemsOf({ ES_CA_FILE: '/etc/ca.pem' })).toHaveLength(1);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ MODEL_DIR: '' }, machine).model.dir).toBeUndefined();
    expect(loadConfig({ ES_URL: ' ' }, machine).index.kind).toBe('sqlite');
  });

  it('sizes the inference queue and caches, and refuses a queue smaller than a batch', () => {
    const { inference } = loadConfig({}, machine);
    expect(inference.batching).toEqual({ maxBatchSize: 16, maxWaitMs: 5, maxQueue: 256 });
    expect(inference.cache).toEqual({ textCacheSize: 4096, imageCacheSize: 4096 });
    expect(problemsOf({ EMBED_MAX_QUEUE: '4', EMBED_MAX_BATCH_SIZE: '16' })).toHaveLength(1);
    expect(loadConfig({ TEXT_CACHE_SIZE: '0' }, machine).inference.cache.textCacheSize).toBe(0);
  });

  it('reads PREPROCESS_THREADS, defaulting to the cores (at most 4); 0 keeps photos on the event loop', () => {
    const threads = (env: Record<string, string>, cores = 3) =>
      loadConfig(env, { availableParallelism: cores }).inference.preprocessThreads;
    expect(threads({})).toBe(3);
    expect(threads({}, 64)).toBe(4);
    expect(threads({}, 0)).toBe(1);
    expect(threads({ PREPROCESS_THREADS: '0' })).toBe(0);
    expect(threads({ PREPROCESS_THREADS: '8' })).toBe(8);
    expect(variables(problemsOf({ PREPROCESS_THREADS: '-1' }))).toEqual(['PREPROCESS_THREADS']);
    expect(variables(problemsOf({ PREPROCESS_THREADS: '65' }))).toEqual(['PREPROCESS_THREADS']);
  });

  it('gives ORT every core and one inter-op thread unless told otherwise', () => {
    expect(loadConfig({}, machine).inference.ort).toEqual({
      intraOpNumThreads: 3,
      interOpNumThreads: 1,
      allowSpinning: false,
    });
    const set = {
      ORT_INTRA_OP_THREADS: '2',
      ORT_INTER_OP_THREADS: '2',
      ORT_ALLOW_SPINNING: 'true',
    };
    expect(loadConfig(set, machine).inference.ort).toEqual({
      intraOpNumThreads: 2,
      interOpNumThreads: 2,
      allowSpinning: true,
    });
  });

  it('sets the query limits, introspection off in production only, and a budget the queue can hold', () => {
    const production = loadConfig({}, machine);
    expect(production.graphql).toEqual({
      introspection: false,
      maxDepth: 8,
      maxAliases: 15,
      maxTokens: 2000,
      maxCost: 50_000,
      maxDirectives: 50,
      maxEmbeddings: 64,
      embeddingSlots: 256,
      maxSimilar: 10,
    });
    expect(loadConfig({ GRAPHQL_MAX_SIMILAR: '0' }, machine).graphql.maxSimilar).toBe(0);
    expect(loadConfig({ NODE_ENV: 'development' }, machine).graphql.introspection).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'true' }, machine).graphql.introspection).toBe(true);
    const small = loadConfig({ EMBED_MAX_QUEUE: '32' }, machine).graphql;
    expect([small.maxEmbeddings, small.embeddingSlots]).toEqual([32, 32]);
    expect(variables(problemsOf({ EMBED_MAX_QUEUE: '32', GRAPHQL_MAX_EMBEDDINGS: '33' }))).toEqual([
      'GRAPHQL_MAX_EMBEDDINGS',
    ]);
    expect(
      variables(problemsOf({ GRAPHQL_MAX_DEPTH: '0', GRAPHQL_INTROSPECTION: 'maybe' })),
    ).toEqual(['GRAPHQL_INTROSPECTION', 'GRAPHQL_MAX_DEPTH']);
  });

  it('rate-limits in production by default, and not elsewhere unless asked', () => {
    expect(loadConfig({}, machine).rateLimit).toEqual({
      windowSeconds: 60,
      anonymous: 600,
      perKey: 6000,
    });
    expect(loadConfig({ NODE_ENV: 'test' }, machine).rateLimit).toEqual({
      windowSeconds: 60,
      anonymous: 0,
      perKey: 0,
    });
    const set = {
      RATE_LIMIT_ANONYMOUS: '5',
      RATE_LIMIT_PER_KEY: '0',
      RATE_LIMIT_WINDOW_SECONDS: '1',
    };
    expect(loadConfig(set, machine).rateLimit).toEqual({
      windowSeconds: 1,
      anonymous: 5,
      perKey: 0,
    });
  });
});

describe('auth and metrics settings', () => {
  const base = { MODEL_DIR: '/m', DATA_DIR: '/data' };

  it('asks for keys in production and not in development or test, unless told', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'production' }).auth.mode).toBe('keys');
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).auth.mode).toBe('off');
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).auth.mode).toBe('off');
    expect(loadConfig({ ...base, NODE_ENV: 'test', AUTH_MODE: 'keys' }).auth.mode).toBe('keys');
    expect(loadConfig({ ...base, NODE_ENV: 'production', AUTH_MODE: 'off' }).auth.mode).toBe('off');
    expect(loadConfig({ ...base, NODE_ENV: 'test', AUTH_SEARCH: 'key' }).auth.mode).toBe('keys');
  });

  it('keeps the key store under DATA_DIR, whichever backend runs', () => {
    const es = loadConfig({ ...base, ES_URL: 'http://127.0.0.1:9200' });
    expect(es.auth.keyStoreFile).toBe('/data/api-keys.sqlite');
    expect(es.auth.search).toBe('open');
  });

  it('refuses search keys with auth off, and defaults metrics to a loopback listener', () => {
    expect(() => loadConfig({ ...base, AUTH_MODE: 'off', AUTH_SEARCH: 'key' })).toThrow(
      /AUTH_SEARCH/,
    );
    expect(loadConfig(base).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ ...base, METRICS_PORT: '0' }).metrics.port).toBe(0);
  });
});

describe('loadConfig: photo store', () => {
  it('keeps originals under DATA_DIR/photos by default, on either backend', () => {
    expect(loadConfig({}, machine).photoStore).toEqual({ kind: 'fs', dir: 'data/photos' });
    const es = loadConfig({ ES_URL: 'http://127.0.0.1:9200', DATA_DIR: '/srv/d' }, machine);
    expect(es.photoStore).toEqual({ kind: 'fs', dir: '/srv/d/photos' });
    expect(loadConfig({ PHOTO_STORE_DIR: '/mnt/p' }, machine).photoStore).toEqual({
      kind: 'fs',
      dir: '/mnt/p',
    });
    expect(loadConfig({ PHOTO_STORE: 'none' }, machine).photoStore).toEqual({ kind: 'none' });
  });

  it('refuses an unknown PHOTO_STORE and a PHOTO_STORE_DIR that none would ignore', () => {
    expect(variables(problemsOf({ PHOTO_STORE: 's3' }))).toEqual(['PHOTO_STORE']);
    expect(variables(problemsOf({ PHOTO_STORE: 'none', PHOTO_STORE_DIR: '/x' }))).toEqual([
      'PHOTO_STORE_DIR',
    ]);
  });

  it('sets the feedback loop from its variables, the store file under DATA_DIR', () => {
    const { interactions } = loadConfig({ DATA_DIR: '/srv/data' }, machine);
    expect(interactions).toMatchObject({
      halfLifeMs: 7 * 86_400_000,
      maxBatch: 500,
      maxClockSkewMs: 60_000,
      writes: { maxQueued: 10_000, maxWrite: 1000, lingerMs: 2 },
      sqliteFile: '/srv/data/interactions.sqlite',
      typeWeights: DEFAULTS.interactions.typeWeights,
    });
    const set = loadConfig(
      {
        INTERACTION_HALF_LIFE_DAYS: '1',
        INTERACTION_MAX_BATCH: '50',
        INTERACTION_MAX_QUEUE: '60',
        INTERACTION_MAX_SKEW_MS: '0',
      },
      machine,
    ).interactions;
    expect([set.halfLifeMs, set.maxBatch, set.writes.maxQueued, set.maxClockSkewMs]).toEqual([
      86_400_000, 50, 60, 0,
    ]);
    expect(
      variables(problemsOf({ INTERACTION_MAX_BATCH: '100', INTERACTION_MAX_QUEUE: '99' })),
    ).toEqual(['INTERACTION_MAX_QUEUE']);
    expect(variables(problemsOf({ INTERACTION_HALF_LIFE_DAYS: '0' }))).toEqual([
      'INTERACTION_HALF_LIFE_DAYS',
    ]);
  });
});
