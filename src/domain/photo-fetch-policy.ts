/**
 * What the service may fetch when a catalog names photos by URL, and how patiently: one
 * definition shared by the configuration (each field's variable and default below) and the
 * HTTP photo fetcher that enforces it.
 */
export interface PhotoFetchPolicy {
  /**
   * `IMAGE_FETCH_ALLOW_PRIVATE`: also reach RFC 1918, CGNAT (100.64/10) and unique-local
   * (fc00::/7) addresses; never loopback, link-local or cloud metadata. Default false.
   */
  readonly allowPrivate: boolean;
  /**
   * `IMAGE_FETCH_ALLOW_HOSTS`: comma-separated hostnames (`*.` for subdomains), IPs and CIDRs
   * reached whatever their range (a hostname's metadata addresses excepted). Default none.
   */
  readonly allowHosts: readonly string[];
  /** `IMAGE_FETCH_MAX_REDIRECTS`: redirects followed per photo. Default 3. */
  readonly maxRedirects: number;
  /** `IMAGE_FETCH_CONNECT_TIMEOUT_MS`: DNS + TCP + TLS, in ms. Default 5000. */
  readonly connectTimeoutMs: number;
  /** `IMAGE_FETCH_TIMEOUT_MS`: one attempt, connect to last byte, in ms. Default 30 000. */
  readonly timeoutMs: number;
  /** `IMAGE_FETCH_MAX_BYTES`: largest photo, in bytes. Default `MAX_UPLOAD_BYTES`. */
  readonly maxBytes: number;
  /** `IMAGE_FETCH_MAX_CONCURRENCY`: fetches in flight, all hosts together. Default 16. */
  readonly maxConcurrency: number;
  /** `IMAGE_FETCH_MAX_PER_HOST`: fetches in flight to one hostname. Default 4. */
  readonly maxPerHost: number;
  /** `IMAGE_FETCH_RETRIES`: further attempts after a 5xx, 408, 429 or timeout. Default 2. */
  readonly retries: number;
  /** `IMAGE_FETCH_RETRY_BASE_MS`: first backoff in ms, doubled per attempt, jittered. Default 250. */
  readonly retryBaseDelayMs: number;
  /** `IMAGE_FETCH_MAX_RETRY_AFTER_MS`: longest Retry-After honoured, in ms. Default 10 000. */
  readonly maxRetryAfterMs: number;
}
