/**
 * What the fetcher tells its caller when a photo cannot be had: a coded error naming the URL
 * and the reason, from the network error Node or undici raised.
 */
import { ImageFetchFailedError, ImageUrlForbiddenError } from '../../errors/app-error';
import type { Refusal } from './address-policy';
import { AddressRefusedError } from './pinned-lookup';

/** `details.reason` of IMAGE_FETCH_FAILED. */
export type FailureReason =
  | 'HTTP_STATUS'
  | 'BAD_REDIRECT'
  | 'DNS_FAILURE'
  | 'CONNECTION_REFUSED'
  | 'CONNECTION_RESET'
  | 'HOST_UNREACHABLE'
  | 'CONNECT_TIMEOUT'
  | 'TIMEOUT'
  | 'TLS'
  | 'PROTOCOL'
  | 'NETWORK';

/** Thrown by the fetcher's own deadline for one attempt. */
export class AttemptTimeout extends Error {
  readonly code = 'ERR_PHOTO_FETCH_TIMEOUT';
}

export interface Classified {
  readonly reason: FailureReason;
  /** Worth another attempt: timeouts and dropped connections (GET is idempotent). */
  readonly retryable: boolean;
  /** The system or undici code, e.g. ECONNREFUSED. */
  readonly networkCode: string | undefined;
}

const BY_CODE: Readonly<Record<string, [FailureReason, boolean]>> = {
  ENOTFOUND: ['DNS_FAILURE', false],
  EAI_AGAIN: ['DNS_FAILURE', true],
  EAI_FAIL: ['DNS_FAILURE', false],
  EAI_NODATA: ['DNS_FAILURE', false],
  ECONNREFUSED: ['CONNECTION_REFUSED', false],
  ECONNRESET: ['CONNECTION_RESET', true],
  EPIPE: ['CONNECTION_RESET', true],
  UND_ERR_SOCKET: ['CONNECTION_RESET', true],
  UND_ERR_CLOSED: ['CONNECTION_RESET', true],
  EHOSTUNREACH: ['HOST_UNREACHABLE', false],
  ENETUNREACH: ['HOST_UNREACHABLE', false],
  ETIMEDOUT: ['CONNECT_TIMEOUT', true],
  UND_ERR_CONNECT_TIMEOUT: ['CONNECT_TIMEOUT', true],
  UND_ERR_HEADERS_TIMEOUT: ['TIMEOUT', true],
  UND_ERR_BODY_TIMEOUT: ['TIMEOUT', true],
  ERR_PHOTO_FETCH_TIMEOUT: ['TIMEOUT', true],
};

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_)/;

/**
 * The error and its causes, a few deep. Duck-typed on purpose: errors from Node's internals
 * may come from another realm (a vm context, jest), where `instanceof Error` is false.
 */
function* chain(error: unknown): Generator<{ code?: unknown; cause?: unknown }> {
  let e = error;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const link = e as { code?: unknown; cause?: unknown };
    yield link;
    e = link.cause;
  }
}

function codeOf(error: unknown): string | undefined {
  for (const e of chain(error)) if (typeof e.code === 'string') return e.code;
  return undefined;
}

/** The reason a network error stands for, and whether another attempt may help. */
export function classify(error: unknown): Classified {
  const code = codeOf(error);
  if (code === undefined) return { reason: 'NETWORK', retryable: false, networkCode: undefined };
  const known = BY_CODE[code];
  if (known !== undefined) return { reason: known[0], retryable: known[1], networkCode: code };
  if (TLS_CODE.test(code)) return { reason: 'TLS', retryable: false, networkCode: code };
  if (code.startsWith('UND_ERR') || code.startsWith('HPE_')) {
    return { reason: 'PROTOCOL', retryable: false, networkCode: code };
  }
  return { reason: 'NETWORK', retryable: false, networkCode: code };
}

/** The refusal a lookup raised inside the socket, if that is what this error is. */
export function refusalIn(error: unknown): AddressRefusedError | undefined {
  for (const e of chain(error)) if (e instanceof AddressRefusedError) return e;
  return undefined;
}

export function forbidden(url: string, refusal: Refusal, extra: object = {}) {
  const where = refusal.address === undefined ? '' : ` (${refusal.address}, ${refusal.range})`;
  return new ImageUrlForbiddenError(`photo URL refused: ${refusal.reason}${where}: ${url}`, {
    url,
    ...refusal,
    ...extra,
  });
}

export function failed(
  url: string,
  reason: FailureReason,
  extra: { httpStatus?: number; networkCode?: string; attempts: number; [key: string]: unknown },
  cause?: unknown,
) {
  const status = extra.httpStatus === undefined ? '' : ` ${extra.httpStatus}`;
  return new ImageFetchFailedError(
    `photo could not be fetched (${reason}${status}): ${url}`,
    { url, reason, ...extra },
    cause === undefined ? undefined : { cause },
  );
}
