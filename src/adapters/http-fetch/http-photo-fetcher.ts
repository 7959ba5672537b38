/**
 * PhotoFetcher over HTTP(S) with undici. Safety lives in three places: AddressPolicy judges
 * every hop's URL (scheme, credentials, IP literals, metadata names); the Agent's pinned
 * lookup judges every address a socket connects to; this file follows redirects by hand (so
 * each Location is judged), caps the body while streaming, and retries what may pass later.
 */
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { BadUserInputError, PayloadTooLargeError } from '../../errors/app-error';
import type { Logger } from '../../observability/logger';
import type { FetchedPhoto, PhotoFetcher } from '../../ports/photo-fetcher.port';
import { AddressPolicy } from './address-policy';
import { AttemptTimeout, classify, failed, forbidden, refusalIn } from './fetch-errors';
import { HostLimiter } from './host-limiter';
import type { PhotoFetchPolicy } from '../../domain/photo-fetch-policy';
import type { Resolver } from './pinned-lookup';
import { pinnedLookup } from './pinned-lookup';
import { retryAfterMs, sleep } from './retry-timing';

/** The policy (domain/photo-fetch-policy.ts) plus what only the fetcher itself needs. */
export interface HttpPhotoFetcherOptions extends PhotoFetchPolicy {
  /** Sent on every request, e.g. `product-image-search/0.1.0`. */
  readonly userAgent: string;
  /** DNS resolution; the system resolver by default (tests inject answers). */
  readonly resolve?: Resolver;
  /** Extra CA certificates (PEM) trusted for https photo hosts. */
  readonly ca?: string;
  /** Jitter source in [0, 1); Math.random by default. */
  readonly random?: () => number;
  readonly logger?: Logger;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRY_STATUSES = new Set([408, 429]);
/** How much of an error or redirect body is read to keep the connection reusable. */
const DRAIN_LIMIT_BYTES = 64 * 1024;

type Attempt =
  | { kind: 'photo'; bytes: Uint8Array; contentType: string | null }
  | { kind: 'redirect'; location: string | undefined }
  | { kind: 'status'; status: number; retryAfterMs: number | undefined }
  | { kind: 'error'; error: unknown };

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function positiveInteger(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`HttpPhotoFetcher: ${name} must be an integer >= ${min}, got ${value}`);
  }
}

export class HttpPhotoFetcher implements PhotoFetcher {
  private readonly policy: AddressPolicy;
  private readonly agent: Agent;
  private readonly limiter: HostLimiter;
  private readonly random: () => number;

  constructor(private readonly options: HttpPhotoFetcherOptions) {
    positiveInteger('maxRedirects', options.maxRedirects, 0);
    positiveInteger('retries', options.retries, 0);
    positiveInteger('maxBytes', options.maxBytes);
    positiveInteger('timeoutMs', options.timeoutMs);
    positiveInteger('connectTimeoutMs', options.connectTimeoutMs);
    this.policy = new AddressPolicy(options);
    this.limiter = new HostLimiter(options.maxPerHost, options.maxConcurrency);
    this.random = options.random ?? Math.random;
    this.agent = new Agent({
      connect: {
        timeout: options.connectTimeoutMs,
        lookup: pinnedLookup(this.policy, options.resolve),
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      connections: options.maxPerHost,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async fetchPhoto(url: string, signal?: AbortSignal): Promise<FetchedPhoto> {
    signal?.throwIfAborted();
    let hop: URL;
    try {
      hop = new URL(url);
    } catch {
      throw new BadUserInputError(`not a URL: ${url}`, { url, reason: 'INVALID_URL' });
    }
    for (let redirects = 0; ; redirects++) {
      const where = hop.href === url ? {} : { hopUrl: hop.href };
      const refusal = this.policy.checkUrl(hop);
      if (refusal !== undefined) throw forbidden(url, refusal, where);
      const outcome = await this.withRetries(url, hop, signal);
      if (outcome.kind === 'photo') {
        return { bytes: outcome.bytes, finalUrl: hop.href, contentType: outcome.contentType };
      }
      const next = outcome.location === undefined ? undefined : URL.parse(outcome.location, hop);
      if (next === undefined || next === null) {
        throw failed(url, 'BAD_REDIRECT', { ...where, location: outcome.location, attempts: 1 });
      }
      if (redirects >= this.options.maxRedirects) {
        const limit = { maxRedirects: this.options.maxRedirects, ...where };
        throw forbidden(url, { reason: 'TOO_MANY_REDIRECTS' }, limit);
      }
      hop = next;
    }
  }

  /** Lets in-flight requests finish, then closes every pooled connection. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async withRetries(url: string, hop: URL, signal: AbortSignal | undefined) {
    const where = hop.href === url ? {} : { hopUrl: hop.href };
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.limiter.run(hop.hostname, () => this.attempt(url, hop, signal));
      if (outcome.kind === 'photo' || outcome.kind === 'redirect') return outcome;
      let waitMs = this.backoffMs(attempt);
      if (outcome.kind === 'status') {
        const { status } = outcome;
        const extra = { ...where, httpStatus: status, attempts: attempt };
        if (status < 500 && !RETRY_STATUSES.has(status)) throw failed(url, 'HTTP_STATUS', extra);
        if (outcome.retryAfterMs !== undefined) {
          if (outcome.retryAfterMs > this.options.maxRetryAfterMs) {
            const retryAfterSeconds = Math.ceil(outcome.retryAfterMs / 1000);
            throw failed(url, 'HTTP_STATUS', { ...extra, retryAfterSeconds });
          }
          waitMs = Math.max(waitMs, outcome.retryAfterMs);
        }
        if (attempt > this.options.retries) throw failed(url, 'HTTP_STATUS', extra);
      } else {
        const refused = refusalIn(outcome.error);
        if (refused !== undefined) {
          throw forbidden(url, refused.refusal, { ...where, hostname: refused.hostname });
        }
        const { reason, retryable, networkCode } = classify(outcome.error);
        if (!retryable || attempt > this.options.retries) {
          const extra = { ...where, networkCode, attempts: attempt };
          throw failed(url, reason, extra, outcome.error);
        }
      }
      this.options.logger?.debug({ url: hop.href, attempt, waitMs }, 'photo fetch retry');
      await sleep(waitMs, signal);
    }
  }

  /** Exponential, with "equal jitter": half the delay fixed, half random. */
  private backoffMs(attempt: number): number {
    const full = this.options.retryBaseDelayMs * 2 ** (attempt - 1);
    return Math.round(full / 2 + (this.random() * full) / 2);
  }

  /** One request under the attempt deadline; network errors come back as values. */
  private async attempt(url: string, hop: URL, signal: AbortSignal | undefined): Promise<Attempt> {
    // The caller may have given up while this request queued for a slot.
    signal?.throwIfAborted();
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(new AttemptTimeout(`no complete answer in ${this.options.timeoutMs} ms`)),
      this.options.timeoutMs,
    );
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await request(hop, {
        dispatcher: this.agent,
        method: 'GET',
        headers: {
          'user-agent': this.options.userAgent,
          accept: 'image/*',
          // No compression: the size cap then counts the bytes that really arrive.
          'accept-encoding': 'identity',
        },
        signal: controller.signal,
      });
      return await this.readResponse(url, hop, response);
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      if (error instanceof PayloadTooLargeError) throw error;
      return { kind: 'error', error: controller.signal.aborted ? controller.signal.reason : error };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async readResponse(
    url: string,
    hop: URL,
    response: Dispatcher.ResponseData,
  ): Promise<Attempt> {
    const { statusCode: status, headers, body } = response;
    if (status < 200 || status >= 300) {
      await body.dump({ limit: DRAIN_LIMIT_BYTES }).catch(() => undefined);
      if (REDIRECTS.has(status)) return { kind: 'redirect', location: header(headers, 'location') };
      return { kind: 'status', status, retryAfterMs: retryAfterMs(header(headers, 'retry-after')) };
    }
    const { maxBytes } = this.options;
    const tooLarge = () => {
      body.destroy();
      const where = hop.href === url ? {} : { hopUrl: hop.href };
      return new PayloadTooLargeError(`photo larger than ${maxBytes} bytes: ${url}`, {
        url,
        maxBytes,
        ...where,
      });
    };
    if (Number(header(headers, 'content-length') ?? 0) > maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
    // One copy into memory of its own (never a slice of Node's shared buffer pool).
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return { kind: 'photo', bytes, contentType: header(headers, 'content-type') ?? null };
  }
}
