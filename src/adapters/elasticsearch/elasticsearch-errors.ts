import { errors as esErrors } from '@elastic/elasticsearch';
import {
  AppError,
  BadUserInputError,
  IndexUnavailableError,
  NotFoundError,
  OverloadedError,
} from '../../errors/app-error';

/** The `error.type` / `error.reason` Elasticsearch puts in a failed response or bulk item. */
export interface EsErrorCause {
  readonly type?: string;
  readonly reason?: string | null;
}

function causeOf(body: unknown): EsErrorCause {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') return { reason: error };
  if (error !== null && typeof error === 'object') {
    const { type, reason } = error as { type?: unknown; reason?: unknown };
    return {
      type: typeof type === 'string' ? type : undefined,
      reason: typeof reason === 'string' ? reason : undefined,
    };
  }
  return {};
}

// 8.x reports a value the mapping cannot take as document_parsing_exception (older:
// mapper_parsing_exception).
const DOCUMENT_REFUSED = new Set(['document_parsing_exception', 'mapper_parsing_exception']);

/**
 * One status + cause (from a response or a bulk item) as an AppError. 404 means "not found"
 * only where the caller says the missing thing is the subject of the request (a missing
 * product); a missing index or alias means the backend is not set up, so it cannot serve.
 */
export function errorForStatus(
  status: number,
  cause: EsErrorCause,
  operation: string,
  options: { notFoundMeansMissing?: boolean; cause?: unknown } = {},
): AppError {
  const details = { operation, status, ...(cause.type === undefined ? {} : { type: cause.type }) };
  const errorOptions = { cause: options.cause };
  if (status === 404 && options.notFoundMeansMissing === true) {
    return new NotFoundError(`Not found (${operation})`, details, errorOptions);
  }
  if (status === 429) {
    return new OverloadedError(`Elasticsearch is overloaded (${operation})`, details, errorOptions);
  }
  // The document itself was refused (e.g. a value the mapping cannot take): the caller's input.
  if (status === 400 && DOCUMENT_REFUSED.has(cause.type ?? '')) {
    return new BadUserInputError(`Elasticsearch refused the document`, details, errorOptions);
  }
  return new IndexUnavailableError(
    `Elasticsearch cannot serve the ${operation} (HTTP ${status})`,
    details,
    errorOptions,
  );
}

// The adapter's operations that change the index: a failure after the request left may or may
// not have been applied.
const WRITES: ReadonlySet<string> = new Set(['upsert', 'upsertMany', 'delete']);

// Connection failures that happen before a byte of the request reaches a node.
const NEVER_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/;

/**
 * Whether a failed write is known not to have been applied ('NOT_APPLIED') or may have been
 * ('UNKNOWN'): a timeout or a connection lost after the request was sent leaves the node free to
 * finish it. Writes replace by id, so retrying either is safe.
 */
function writeOutcome(error: unknown): 'UNKNOWN' | 'NOT_APPLIED' {
  if (error instanceof esErrors.TimeoutError) return 'UNKNOWN';
  if (error instanceof esErrors.NoLivingConnectionsError) return 'NOT_APPLIED';
  if (error instanceof esErrors.ConnectionError) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    const text = `${typeof code === 'string' ? code : ''} ${error.message}`;
    return NEVER_SENT.test(text) ? 'NOT_APPLIED' : 'UNKNOWN';
  }
  if (error instanceof esErrors.ResponseError) return 'NOT_APPLIED';
  return 'UNKNOWN';
}

/**
 * Turns anything the client throws into an AppError so no vendor error leaves the adapter:
 * no connection, a timeout or no living node become INDEX_UNAVAILABLE; an HTTP error keeps its
 * status in details. A failed write says in details.outcome whether it may have been applied
 * ('UNKNOWN': retry, writes are idempotent) or was not ('NOT_APPLIED').
 */
export function translateEsError(
  error: unknown,
  operation: string,
  options: { notFoundMeansMissing?: boolean } = {},
): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof esErrors.ResponseError) {
    return errorForStatus(error.statusCode ?? 500, causeOf(error.body), operation, {
      ...options,
      cause: error,
    });
  }
  const reason =
    error instanceof esErrors.TimeoutError
      ? 'timeout'
      : error instanceof esErrors.ConnectionError
        ? 'connection'
        : error instanceof esErrors.NoLivingConnectionsError
          ? 'no_living_connections'
          : error instanceof esErrors.ElasticsearchClientError
            ? error.name
            : 'unexpected';
  if (WRITES.has(operation)) {
    const outcome = writeOutcome(error);
    return new IndexUnavailableError(
      outcome === 'UNKNOWN'
        ? `Elasticsearch failed during the ${operation}: it may or may not have been applied; retrying is safe (writes replace by id)`
        : `Elasticsearch is unavailable (${operation}); nothing was written`,
      { operation, reason, outcome },
      { cause: error },
    );
  }
  return new IndexUnavailableError(
    `Elasticsearch is unavailable (${operation})`,
    { operation, reason },
    { cause: error },
  );
}
