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
 *   throws ImageUrlForbiddenError (details: { url, reason }).
 * - Bodies are streamed under a size cap: a larger photo throws PayloadTooLargeError
 *   (details: { url, maxBytes }) without reading the rest.
 * - Network failures, timeouts and non-2xx answers throw ImageFetchFailedError with details
 *   { url, httpStatus? , reason } after the adapter's retries (5xx and timeouts only).
 * - The bytes are returned as sent; deciding whether they are an image is the embedder's job.
 * - `signal` aborts the fetch with the caller's reason.
 */
export interface PhotoFetcher {
  fetchPhoto(url: string, signal?: AbortSignal): Promise<FetchedPhoto>;
}
