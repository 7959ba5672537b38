/** A photo fetched from a URL, with what the fetch learned about it. */
export interface FetchedPhoto {
  readonly bytes: Uint8Array;
  /** The URL after redirects (what was really read). */
  readonly finalUrl: string;
  /** Content-Type the host sent; informative only: the format is sniffed from the bytes. */
  readonly contentType: string | null;
}

/**
 * Fetches product photos by URL for the indexing (and later search) services.
 *
 * Invariants every adapter keeps:
 * - Only http and https. Every hop (redirects included, at most a configured few) connects
 *   only to an address the policy allows (by default no loopback, private, link-local,
 *   unique-local or cloud-metadata ranges), checked on the address actually connected to, so
 *   a DNS answer that changes between check and connect cannot get through. A refused URL
 *   throws ImageUrlForbiddenError (details: { url, reason, hopUrl? when a redirect target was
 *   refused, address? and range? for a refused address }); reasons: SCHEME_NOT_ALLOWED,
 *   CREDENTIALS_IN_URL, METADATA_HOST, ADDRESS_NOT_ALLOWED, TOO_MANY_REDIRECTS.
 * - Bodies are streamed under a size cap: a larger photo throws PayloadTooLargeError
 *   (details: { url, maxBytes }) without reading the rest.
 * - Network failures, timeouts and non-2xx answers throw ImageFetchFailedError with details
 *   { url, reason, httpStatus?, networkCode?, attempts } after the adapter's retries, which
 *   cover only what may pass later: 5xx, 408, 429 (honouring Retry-After up to a cap),
 *   timeouts and dropped connections.
 * - A string that is not a URL throws BadUserInputError (details: { url, reason: INVALID_URL }).
 * - The bytes are returned as sent; deciding whether they are an image is the embedder's job.
 * - `signal` aborts the fetch with the caller's reason.
 *
 * Which photo of which product failed is the caller's to add: the fetcher knows only URLs.
 */
export interface PhotoFetcher {
  fetchPhoto(url: string, signal?: AbortSignal): Promise<FetchedPhoto>;
}
