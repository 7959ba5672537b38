import { deepFreeze } from './deep-freeze';

/**
 * Every default the service has, written once. The environment schema falls back to these,
 * and the settings no variable controls (page limits, text length) come only from here.
 * Adapters, services and scripts take their values from Config and keep none of their own;
 * tests that build an adapter by hand borrow from here rather than copy a number.
 *
 * Two defaults are not here because they are not constants: ORT's intra-op threads default to
 * the machine's cores (`os.availableParallelism()`) and the upload temp dir lives under the OS
 * temp dir (`os.tmpdir()`); loadConfig takes both as arguments.
 */
export const DEFAULTS = deepFreeze({
  nodeEnv: 'production',
  http: {
    host: '127.0.0.1',
    port: 4000,
    graphqlPath: '/graphql',
    maxUploadBytes: 10 * 1024 * 1024,
    maxUploadFiles: 10,
    trustProxy: false,
    // Under the OS temp dir (os.tmpdir(), a machine fact loadConfig takes as an argument).
    uploadTmpDirName: 'product-image-search-uploads',
  },
  log: { level: 'info' },
  model: {
    name: 'ViT-B-32__laion2b-s34b-b79k',
    modelsDir: './models/cache',
    autoFetch: true,
    allowUnverified: true,
  },
  inference: {
    maxImagePixels: 40_000_000,
    // Preprocessing threads default to the cores, but no more than photos preprocessed at once.
    maxDefaultPreprocessThreads: 4,
    ort: { interOpNumThreads: 1, allowSpinning: false },
    batching: { maxBatchSize: 16, maxWaitMs: 5, maxQueue: 256 },
    cache: { textCacheSize: 4096, imageCacheSize: 4096 },
  },
  search: {
    defaultFirst: 10,
    maxFirst: 100,
    depth: 200,
    maxTextLength: 1000,
    maxExamples: 16,
    priceBuckets: [0, 25, 50, 100, 250, 500],
  },
  // nearDuplicateProducts: groups per page, and neighbours read per photo of each product.
  nearDuplicates: { defaultFirst: 20, maxFirst: 100, neighboursPerPhoto: 20 },
  indexing: { maxImagesPerProduct: 10, maxBatch: 100, fetchConcurrency: 8 },
  sqlite: { dataDir: './data', maxDefaultReadWorkers: 16 },
  elasticsearch: {
    indexPrefix: 'products',
    hnsw: { m: 16, efConstruction: 100 },
    requestTimeoutMs: 30_000,
  },
  auth: { search: 'open', keyStoreFileName: 'api-keys.sqlite' },
  metrics: { host: '127.0.0.1', port: 9464 },
  // maxBytes has no default of its own: it is http.maxUploadBytes unless set.
  photoFetch: {
    allowPrivate: false,
    allowHosts: [],
    maxRedirects: 3,
    connectTimeoutMs: 5_000,
    timeoutMs: 30_000,
    maxConcurrency: 16,
    maxPerHost: 4,
    retries: 2,
    retryBaseDelayMs: 250,
    maxRetryAfterMs: 10_000,
  },
  photoStore: { kind: 'fs', subdir: 'photos' },
  // Query limits; introspection and rate limits depend on NODE_ENV (see loadConfig).
  graphql: {
    maxDepth: 8,
    maxAliases: 15,
    maxTokens: 2000,
    maxCost: 50_000,
    maxDirectives: 50,
    maxEmbeddings: 64,
    maxSimilar: 10,
  },
  rateLimit: { windowSeconds: 60, anonymousInProduction: 600, perKeyInProduction: 6000 },
  interactions: {
    halfLifeDays: 7,
    maxBatch: 500,
    maxClockSkewMs: 60_000,
    maxQueryLength: 1000,
    maxSessionIdLength: 200,
    maxProductIdLength: 256,
    typeWeights: { VIEW: 1, CLICK: 2, ADD_TO_CART: 5, PURCHASE: 10 },
    saturation: 10,
    queryShare: 0.75,
    writes: { maxQueued: 10_000, maxWrite: 1000, lingerMs: 2 },
    knownProducts: { max: 100_000, ttlMs: 600_000 },
    sqliteFileName: 'interactions.sqlite',
  },
  connections: {
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 120_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 2048,
  },
} as const);
