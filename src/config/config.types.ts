/**
 * The shape loadConfig returns: one nested, deeply frozen object, one section per consumer.
 * Each field names the environment variable it comes from, its unit and its default; the
 * defaults themselves are written once, in `defaults.ts`. Settings marked "not an environment
 * variable" are fixed by the code but live here so that no consumer keeps a default of its own.
 */

type NodeEnv = 'development' | 'production' | 'test';

type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** `NODE_ENV`: stack traces reach responses only in 'development'. Default 'production'. */
  readonly nodeEnv: NodeEnv;
  readonly http: HttpSettings;
  readonly log: LogSettings;
  readonly model: ModelSettings;
  readonly inference: InferenceSettings;
  readonly search: SearchSettings;
  readonly indexing: IndexingSettings;
  /** Which ProductIndex backend serves the catalog: Elasticsearch when `ES_URL` is set. */
  readonly index: IndexSettings;
}

/** The HTTP server and what it accepts before any handler runs. */
interface HttpSettings {
  /** `HOST`: interface to listen on. Default '127.0.0.1' ('0.0.0.0' in containers). */
  readonly host: string;
  /** `PORT`: TCP port, 0 picks a free one. Default 4000. */
  readonly port: number;
  /** `GRAPHQL_PATH`: where GraphQL and GraphiQL are served. Default '/graphql'. */
  readonly graphqlPath: string;
  /** `MAX_UPLOAD_BYTES`: largest accepted upload, in bytes, per file. Default 10 MiB. */
  readonly maxUploadBytes: number;
  /** `MAX_UPLOAD_FILES`: most files in one request. Default 10. */
  readonly maxUploadFiles: number;
}

export interface LogSettings {
  /** `LOG_LEVEL`: pino level, 'silent' mutes. Default 'info'. */
  readonly level: LogLevel;
}

/** Which CLIP model to load and where model downloads come from. */
export interface ModelSettings {
  /** `MODEL`: catalog model name; ignored when `dir` is set. Default 'ViT-B-32__laion2b-s34b-b79k'. */
  readonly name: string;
  /** `MODEL_DIR`: explicit model folder; wins over `name` and skips the catalog. Default unset. */
  readonly dir: string | undefined;
  /** `MODELS_DIR`: folder catalog models are downloaded into. Default './models/cache'. */
  readonly modelsDir: string;
  /** `MODEL_AUTO_FETCH`: download a missing catalog model at start-up. Default true. */
  readonly autoFetch: boolean;
  /** `MODELS_BASE_URL`: mirror root for downloads (`<base>/<model>/<file>`). Default unset. */
  readonly baseUrl: string | undefined;
  /**
   * `MODELS_ALLOW_UNVERIFIED`: accept catalog files that have no published hash (small JSON
   * configs); files with a published hash are always verified. Default true.
   */
  readonly allowUnverified: boolean;
}

/** The embedder chain: cache -> micro-batcher -> ONNX Runtime. */
export interface InferenceSettings {
  /** `MAX_IMAGE_PIXELS`: largest accepted photo, width x height in pixels. Default 40 000 000. */
  readonly maxImagePixels: number;
  readonly ort: OrtSettings;
  readonly batching: BatchingSettings;
  readonly cache: CacheSettings;
}

/** ONNX Runtime session threads (named as OnnxEmbedder's options, so they pass straight on). */
interface OrtSettings {
  /**
   * `ORT_INTRA_OP_THREADS`: threads inside one operator. Default: every core
   * (`os.availableParallelism()`), since the micro-batcher runs one batch at a time.
   */
  readonly intraOpNumThreads: number;
  /**
   * `ORT_INTER_OP_THREADS`: threads across operators. Default 1: the session runs operators
   * sequentially, so more would sit idle.
   */
  readonly interOpNumThreads: number;
  /**
   * `ORT_ALLOW_SPINNING`: let ORT's threads spin between runs (faster hand-off, but burns
   * cores that image decoding could use). Default false.
   */
  readonly allowSpinning: boolean;
}

/** The micro-batcher (named as BatchingEmbedder's options). */
interface BatchingSettings {
  /** `EMBED_MAX_BATCH_SIZE`: most inputs in one model run. Default 16. */
  readonly maxBatchSize: number;
  /**
   * `EMBED_MAX_WAIT_MS`: longest, in milliseconds, an idle model waits for inputs still being
   * prepared before it runs the batch. Default 5.
   */
  readonly maxWaitMs: number;
  /**
   * `EMBED_MAX_QUEUE`: inputs per kind (image / text) admitted at once; beyond it calls fail
   * with OVERLOADED. At least `maxBatchSize`. Default 256.
   */
  readonly maxQueue: number;
}

/** The embedding LRU caches (named as CachingEmbedder's options); 0 disables a cache. */
interface CacheSettings {
  /** `TEXT_CACHE_SIZE`: text embeddings kept, in entries. Default 4096. */
  readonly textCacheSize: number;
  /** `IMAGE_CACHE_SIZE`: image embeddings kept, in entries, keyed by content hash. Default 4096. */
  readonly imageCacheSize: number;
}

/** SearchService's limits (exactly its `SearchLimits`). */
interface SearchSettings {
  /** Page size when a query gives no `first`. Not an environment variable. Default 10. */
  readonly defaultFirst: number;
  /** Largest accepted `first`. Not an environment variable. Default 100. */
  readonly maxFirst: number;
  /**
   * `SEARCH_DEPTH`: how deep each ranked list is read for fused queries, in results; also the
   * deepest reachable page. Default 200.
   */
  readonly depth: number;
  /** Longest accepted text query, in characters. Not an environment variable. Default 1000. */
  readonly maxTextLength: number;
}

/** IndexingService's limits. */
interface IndexingSettings {
  /** `MAX_IMAGES_PER_PRODUCT`: photos per product. Default 10. */
  readonly maxImagesPerProduct: number;
}

export type IndexSettings = SqliteIndexSettings | ElasticsearchIndexSettings;

/** The default backend: one SQLite file beside the service. */
interface SqliteIndexSettings {
  readonly kind: 'sqlite';
  /** `DATA_DIR`: folder of the SQLite files. Default './data'. */
  readonly dataDir: string;
  /**
   * `SQLITE_READ_WORKERS`: threads scanning the shared in-memory vector index (one more runs
   * BM25). Default: every core (`os.availableParallelism()`), at most 16.
   */
  readonly readWorkers: number;
}

export type ElasticsearchAuth =
  { readonly apiKey: string } | { readonly username: string; readonly password: string };

/** The scale-out backend, chosen by setting `ES_URL`. */
export interface ElasticsearchIndexSettings {
  readonly kind: 'elasticsearch';
  /** `ES_URL`: the cluster's URL, e.g. http://127.0.0.1:9200. No default: unset means SQLite. */
  readonly url: string;
  /** `ES_API_KEY`, or `ES_USERNAME` + `ES_PASSWORD` (never both). Default: no credentials. */
  readonly auth: ElasticsearchAuth | undefined;
  /**
   * `ES_CA_FILE`: path of the PEM file of the CA that signed the cluster's certificate. A path,
   * not its contents: loadConfig reads no files; the composition root reads it. Default unset.
   */
  readonly caFile: string | undefined;
  /** `ES_INDEX_PREFIX`: first part of the alias and index names. Default 'products'. */
  readonly indexPrefix: string;
  /** HNSW graph parameters for newly created indexes (existing ones keep theirs). */
  readonly hnsw: {
    /** `ES_HNSW_M`: graph degree. Default 16. */
    readonly m: number;
    /** `ES_HNSW_EF_CONSTRUCTION`: build-time candidates. Default 100. */
    readonly efConstruction: number;
  };
  /** `ES_REQUEST_TIMEOUT_MS`: per-request timeout, in milliseconds. Default 30 000. */
  readonly requestTimeoutMs: number;
}
