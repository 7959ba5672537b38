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

/**
 * Turns anything the client throws into an AppError so no vendor error leaves the adapter:
 * no connection, a timeout or no living node become INDEX_UNAVAILABLE; an HTTP error keeps its
 * status in details.
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
  return new IndexUnavailableError(
    `Elasticsearch is unavailable (${operation})`,
    { operation, reason },
    { cause: error },
  );
}
