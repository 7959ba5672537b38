import type { HttpPhotoFetcherOptions } from '../../../../src/adapters/http-fetch/http-photo-fetcher';
import { HttpPhotoFetcher } from '../../../../src/adapters/http-fetch/http-photo-fetcher';
import { DEFAULTS } from '../../../../src/config/defaults';

export const USER_AGENT = 'product-image-search-test/1.0 (+photo fetcher)';

/**
 * Fetchers the tests close afterwards. The defaults are the service's, but 127.0.0.1 is
 * allowed (the test server lives there) and backoffs are short, so retries do not slow tests.
 */
export function fetcherFactory() {
  const made: HttpPhotoFetcher[] = [];
  const make = (overrides: Partial<HttpPhotoFetcherOptions> = {}) => {
    const fetcher = new HttpPhotoFetcher({
      ...DEFAULTS.photoFetch,
      allowHosts: ['127.0.0.1'],
      maxBytes: DEFAULTS.http.maxUploadBytes,
      retryBaseDelayMs: 1,
      userAgent: USER_AGENT,
      ...overrides,
    });
    made.push(fetcher);
    return fetcher;
  };
  const closeAll = async () => {
    await Promise.all(made.splice(0).map((fetcher) => fetcher.close()));
  };
  return { make, closeAll };
}
