/**
 * The shape loadConfig returns: one nested, deeply frozen object, one section per consumer.
 * Each field names the environment variable it comes from, its unit and its default; the
 * defaults themselves are written once, in `defaults.ts`. Settings marked "not an environment
 * variable" are fixed by the code but live here so that no consumer keeps a default of its own.
 */
import type { PhotoFetchPolicy } from '../domain/photo-fetch-policy';

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
  readonly nearDuplicates: NearDuplicateSettings;
  readonly indexing: IndexingSettings;
  /** Which ProductIndex backend serves the catalog: Elasticsearch when `ES_URL` is set. */
  readonly index: IndexSettings;
  readonly auth: AuthSettings;
  readonly metrics: MetricsSettings;
  /** How photos given by URL are fetched (the HTTP photo fetcher). */
  readonly photoFetch: PhotoFetchSettings;
  /** Where indexed photos' original bytes are kept (`PHOTO_STORE`). */
  readonly photoStore: PhotoStoreSettings;
  /** What one GraphQL operation may ask for, checked before it runs. */
  readonly graphql: GraphqlSettings;
  /** Requests per client over a window, before anything is parsed. */
  readonly rateLimit: RateLimitSettings;
  readonly connections: ConnectionSettings;
  /** The feedback loop: recorded shopper interactions and the popularity they add up to. */
  readonly interactions: InteractionSettings;
}

/**
 * recordInteractions and the popularity blend (FeedbackService's settings). The store follows
 * the catalog's backend: a SQLite file beside the catalog, or indices under ES_INDEX_PREFIX.
 */
export interface InteractionSettings {
  /** `INTERACTION_HALF_LIFE_DAYS`: an event counts half as much after this long. Default 7. */
  readonly halfLifeMs: number;
  /** `INTERACTION_MAX_BATCH`: most events in one recordInteractions call. Default 500. */
  readonly maxBatch: number;
  /**
   * `INTERACTION_MAX_SKEW_MS`: how far in the future an event's `at` may be before it is
   * refused. Default 60 000.
   */
  readonly maxClockSkewMs: number;
  /** Longest `query` of an event, in characters: the longest search text. Not an environment variable. Default 1000. */
  readonly maxQueryLength: number;
  /** Longest `sessionId`, in characters. Not an environment variable. Default 200. */
  readonly maxSessionIdLength: number;
  /** Longest `productId` (the catalog's own limit). Not an environment variable. Default 256. */
  readonly maxProductIdLength: number;
  /** Weight of one event per type. Not an environment variable. Default VIEW 1, CLICK 2, ADD_TO_CART 5, PURCHASE 10. */
  readonly typeWeights: Readonly<Record<'VIEW' | 'CLICK' | 'ADD_TO_CART' | 'PURCHASE', number>>;
  /** Weighted decayed count at which popularity is 0.5 (x / (x + k)). Not an environment variable. Default 10. */
  readonly saturation: number;
  /** Share of the per-query count for searches with a text. Not an environment variable. Default 0.75. */
  readonly queryShare: number;
  /** Group commit of event writes. */
  readonly writes: {
    /** `INTERACTION_MAX_QUEUE`: events waiting for a write; beyond it, OVERLOADED. Default 10 000. */
    readonly maxQueued: number;
    /** Most events in one store write. Not an environment variable. Default 1000. */
    readonly maxWrite: number;
    /** How long an idle writer waits for more requests, in ms. Not an environment variable. Default 2. */
    readonly lingerMs: number;
  };
  /**
   * Product ids found in the catalog, remembered so events on hot products skip the catalog
   * read: how many and for how long (ms). Not environment variables. Default 100 000, 10 min.
   */
  readonly knownProducts: { readonly max: number; readonly ttlMs: number };
  /** The SQLite store's file: `<DATA_DIR>/interactions.sqlite`. Not an environment variable of its own. */
  readonly sqliteFile: string;
}

/**
 * How long the HTTP server waits for slow or idle clients, and how many it holds at once, so
 * slow headers, a body sent a byte at a time or a crowd of idle sockets cannot exhaust it.
 */
interface ConnectionSettings {
  /** `HTTP_HEADERS_TIMEOUT_MS`: time to receive a request's headers. Default 10 000. */
  readonly headersTimeoutMs: number;
  /**
   * `HTTP_REQUEST_TIMEOUT_MS`: time to receive a whole request, body included (a 10 MiB upload
   * at 1 Mbit/s takes about 85 s). Default 120 000.
   */
  readonly requestTimeoutMs: number;
  /** `HTTP_KEEP_ALIVE_TIMEOUT_MS`: how long an idle keep-alive connection stays open. Default 5 000. */
  readonly keepAliveTimeoutMs: number;
  /** `HTTP_MAX_CONNECTIONS`: open connections at once; further ones are closed at accept. Default 2 048. */
  readonly maxConnections: number;
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
  /**
   * `TRUST_PROXY`: which peers may name the client in `X-Forwarded-For` (express's `trust
   * proxy`, evaluated by proxy-addr). `false`: none, the client is the socket's peer (default);
   * a number: that many proxies in front of the service, the client is the address that many
   * hops from the right; a list of IPs, CIDRs or `loopback`/`linklocal`/`uniquelocal`: the
   * forwarded chain is walked from the right while the hop is one of them. Rate limits and
   * the request log use the address it yields.
   */
  readonly trustProxy: TrustProxy;
  /**
   * `UPLOAD_TMP_DIR`: the service's own directory for upload temp files; each running service
   * spools into `<dir>/<pid>` (0700), removes killed services' leftovers at start and its own
   * directory on close. Default `<os.tmpdir()>/product-image-search-uploads`.
   */
  readonly uploadTmpDir: string;
}

/** See HttpSettings.trustProxy. */
export type TrustProxy = false | number | readonly string[];

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
  /**
   * `PREPROCESS_THREADS`: threads that decode and resize photos beside the event loop (0: on
   * the event loop). Default: the cores, at most 4 (photos preprocessed at once).
   */
  readonly preprocessThreads: number;
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
  /**
   * `SEARCH_MAX_EXAMPLES`: most examples (similarTo plus recommend's positives and negatives) in
   * one search. Default 16.
   */
  readonly maxExamples: number;
  /**
   * `SEARCH_PRICE_BUCKETS`: price bucket edges for SearchConnection.facets.prices when a query
   * gives none, ascending, finite, >= 0, at most 20. Edges e1..en make the buckets
   * [null, e1), [e1, e2), ..., [en, null). Default 0,25,50,100,250,500.
   */
  readonly priceBuckets: readonly number[];
}

/** nearDuplicateProducts' bounds. Not environment variables. */
interface NearDuplicateSettings {
  /** Groups per page when the query gives no `first`. Default 20. */
  readonly defaultFirst: number;
  /** Largest accepted `first`. Default 100. */
  readonly maxFirst: number;
  /** kNN neighbours read per photo of each product on the page. Default 20. */
  readonly neighboursPerPhoto: number;
}

/** IndexingService's limits. */
interface IndexingSettings {
  /** `MAX_IMAGES_PER_PRODUCT`: photos per product. Default 10. */
  readonly maxImagesPerProduct: number;
  /** `INDEX_MAX_BATCH`: most products in one indexProducts call. Default 100. */
  readonly maxBatch: number;
  /** `INDEX_FETCH_CONCURRENCY`: photo URLs one IndexingService fetches at once. Default 8. */
  readonly fetchConcurrency: number;
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

/** API keys: who may write the catalog, and (optionally) search it. */
export interface AuthSettings {
  /**
   * `AUTH_MODE`: 'keys' checks API keys; 'off' checks nothing (every operation and /metrics on
   * the main port are open). Default 'keys' when NODE_ENV is production or AUTH_SEARCH is 'key',
   * else 'off'.
   */
  readonly mode: 'keys' | 'off';
  /** `AUTH_SEARCH`: 'open' lets anyone search; 'key' asks for a key with `search`. Default 'open'. */
  readonly search: 'open' | 'key';
  /**
   * The key store's SQLite file: `<DATA_DIR>/api-keys.sqlite`, whichever product backend runs
   * (so it exists with Elasticsearch too). Not an environment variable of its own.
   */
  readonly keyStoreFile: string;
}

/** The Prometheus endpoint. */
interface MetricsSettings {
  /** `METRICS_HOST`: interface of the metrics listener. Default '127.0.0.1'. */
  readonly host: string;
  /**
   * `METRICS_PORT`: port of a separate listener serving /metrics to whoever reaches it; 0 = no
   * listener. Either way the main port serves /metrics only to an `admin` key. Default 9464.
   */
  readonly port: number;
}

/**
 * The photo fetcher: the policy HttpPhotoFetcher takes as it is (domain/photo-fetch-policy.ts
 * says what each field means, with its variable and default). By default only public addresses
 * are reached; see the README's "Photos by URL".
 */
export type PhotoFetchSettings = PhotoFetchPolicy;
/**
 * The kept originals (the PhotoStore port). `PHOTO_STORE`: 'fs' (default) keeps each indexed
 * photo's bytes in a folder, content-addressed by sha256; 'none' keeps no originals (products
 * keep their source URLs only, and GET /photos/<sha256> answers 404).
 */
export type PhotoStoreSettings =
  | {
      readonly kind: 'fs';
      /**
       * `PHOTO_STORE_DIR`: the folder. Default `<DATA_DIR>/photos`, whichever backend holds the
       * catalog (DATA_DIR is read for this even when `ES_URL` is set).
       */
      readonly dir: string;
    }
  | { readonly kind: 'none' };

/**
 * Query limits (graphql-armor rules and graphql-js's token cap) and the embedding budget: an
 * operation over any of them fails with QUERY_LIMIT_EXCEEDED (400) before anything runs.
 */
export interface GraphqlSettings {
  /**
   * `GRAPHQL_INTROSPECTION`: answer `__schema` / `__type` queries (GraphiQL's docs and
   * autocompletion, codegen). Default: off when NODE_ENV=production, on otherwise.
   */
  readonly introspection: boolean;
  /** `GRAPHQL_MAX_DEPTH`: deepest field nesting (`__schema` is not counted). Default 8. */
  readonly maxDepth: number;
  /** `GRAPHQL_MAX_ALIASES`: aliased fields per operation. Default 15. */
  readonly maxAliases: number;
  /** `GRAPHQL_MAX_TOKENS`: lexical tokens per document; parsing stops past it. Default 2000. */
  readonly maxTokens: number;
  /**
   * `GRAPHQL_MAX_COST`: graphql-armor's cost (objects 2, scalars 1, x1.5 per level, x `first`
   * when it is a literal). One full search page of 100 hits with every field is about 20 000.
   * Default 50 000.
   */
  readonly maxCost: number;
  /** `GRAPHQL_MAX_DIRECTIVES`: directives per operation. Default 50. */
  readonly maxDirectives: number;
  /**
   * `GRAPHQL_MAX_EMBEDDINGS`: photos + texts one operation may ask the model to embed,
   * counted from the document and its variables before it runs. At most `EMBED_MAX_QUEUE`.
   * Default 64 (or `EMBED_MAX_QUEUE` when that is smaller).
   */
  readonly maxEmbeddings: number;
  /**
   * Embeddings (per kind) all running operations may have reserved at once: `EMBED_MAX_QUEUE`.
   * An operation whose whole need does not fit is shed with OVERLOADED (503) before it runs.
   */
  readonly embeddingSlots: number;
  /**
   * `GRAPHQL_MAX_SIMILAR`: `Product.similar` fields (one search each) one operation may resolve;
   * under a list (a page of hits, `products(ids)`) each product is one. Beyond it the field
   * fails with QUERY_LIMIT_EXCEEDED. Default 10.
   */
  readonly maxSimilar: number;
}

/** rate-limiter-flexible, in memory, per process. 0 turns a limit off. */
export interface RateLimitSettings {
  /** `RATE_LIMIT_WINDOW_SECONDS`: length of the window the counts below apply to. Default 60. */
  readonly windowSeconds: number;
  /**
   * `RATE_LIMIT_ANONYMOUS`: GraphQL requests per window per client address, for requests
   * without an authenticated API key. Default 600 in production, 0 (off) otherwise.
   */
  readonly anonymous: number;
  /**
   * `RATE_LIMIT_PER_KEY`: GraphQL requests per window per API key (principal id). Default
   * 6000 in production, 0 (off) otherwise.
   */
  readonly perKey: number;
}
