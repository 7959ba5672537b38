import { readFileSync } from 'node:fs';
import { HttpPhotoFetcher } from '../adapters/http-fetch/http-photo-fetcher';
import type { PhotoFetchSettings } from '../config/load-config';
import { findUp } from '../lib/find-up';
import type { Logger } from '../observability/logger';

/** `product-image-search/0.1.0 (+photo fetcher)`: hosts can tell who fetches their photos. */
function photoFetcherUserAgent(): string {
  const pkg = JSON.parse(readFileSync(findUp('package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return `${pkg.name}/${pkg.version} (+photo fetcher)`;
}

/**
 * The service's PhotoFetcher, from the `photoFetch` settings. The caller owns it and calls
 * `close()` at shutdown (it keeps pooled connections open between fetches).
 */
export function createPhotoFetcher(settings: PhotoFetchSettings, logger: Logger): HttpPhotoFetcher {
  return new HttpPhotoFetcher({
    ...settings,
    userAgent: photoFetcherUserAgent(),
    logger: logger.child({ component: 'photo-fetcher' }),
  });
}
