/**
 * Every code a client can see in `extensions.code`, and the one table that gives each its HTTP
 * status. Services and adapters raise our own codes (`ErrorCode`); Apollo Server raises its own
 * before execution (`ApolloCode`). The README's "Errors" table is this table.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  NOT_FOUND: 'NOT_FOUND',
  EMBEDDING_FAILED: 'EMBEDDING_FAILED',
  INDEX_UNAVAILABLE: 'INDEX_UNAVAILABLE',
  DIMENSION_MISMATCH: 'DIMENSION_MISMATCH',
  MODEL_MISMATCH: 'MODEL_MISMATCH',
  IMAGE_FETCH_FAILED: 'IMAGE_FETCH_FAILED',
  IMAGE_URL_FORBIDDEN: 'IMAGE_URL_FORBIDDEN',
  OVERLOADED: 'OVERLOADED',
  MODEL_UNAVAILABLE: 'MODEL_UNAVAILABLE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  // Query limits and rate limits (details name the limit and the value).
  QUERY_LIMIT_EXCEEDED: 'QUERY_LIMIT_EXCEEDED',
  RATE_LIMITED: 'RATE_LIMITED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes Apollo Server assigns itself; their messages are safe to show. */
export const ApolloCode = {
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  BAD_REQUEST: 'BAD_REQUEST',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  INTROSPECTION_DISABLED: 'INTROSPECTION_DISABLED',
} as const;
export type ApolloCode = (typeof ApolloCode)[keyof typeof ApolloCode];

/** Any code a client may see. */
export type ClientCode = ErrorCode | ApolloCode;

export interface CodeStatus {
  /** The HTTP status of a response that failed as a whole with this code. */
  readonly status: number;
  /** Seconds a client should wait before retrying (sent as `Retry-After`); 503s and 429. */
  readonly retryAfterSeconds?: number;
}

/**
 * One row per code. Mismatches and embedding failures are 500: the client sent nothing wrong
 * and cannot fix them (the index or the model on the server is at fault). Retry-After values
 * are hints: a full queue drains in about a second, a backend or model takes longer to return.
 */
export const ERROR_STATUS: Readonly<Record<ClientCode, CodeStatus>> = Object.freeze({
  BAD_USER_INPUT: { status: 400 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  NOT_FOUND: { status: 404 },
  EMBEDDING_FAILED: { status: 500 },
  INDEX_UNAVAILABLE: { status: 503, retryAfterSeconds: 5 },
  DIMENSION_MISMATCH: { status: 500 },
  MODEL_MISMATCH: { status: 500 },
  // The photo's host failed or refused (the client named it, but can neither fix the host
  // nor know it in advance): a bad gateway, like a proxy's upstream failure.
  IMAGE_FETCH_FAILED: { status: 502 },
  IMAGE_URL_FORBIDDEN: { status: 403 },
  OVERLOADED: { status: 503, retryAfterSeconds: 1 },
  MODEL_UNAVAILABLE: { status: 503, retryAfterSeconds: 30 },
  // No valid API key where one is needed (none, malformed, unknown or revoked) vs. a valid key
  // without the scope: the client fixes the first with a key, the second with another key.
  UNAUTHENTICATED: { status: 401 },
  FORBIDDEN: { status: 403 },
  INTERNAL_SERVER_ERROR: { status: 500 },
  // An operation over a depth, alias, token, cost, directive or embedding limit: refused
  // before anything runs, under either media type.
  QUERY_LIMIT_EXCEEDED: { status: 400 },
  // The actual wait comes with each refusal (details.retryAfterSeconds); 1 s is the fallback.
  RATE_LIMITED: { status: 429, retryAfterSeconds: 1 },
  GRAPHQL_PARSE_FAILED: { status: 400 },
  GRAPHQL_VALIDATION_FAILED: { status: 400 },
  BAD_REQUEST: { status: 400 },
  // Apollo answers these 200 on purpose, so clients fall back to sending the full query.
  PERSISTED_QUERY_NOT_FOUND: { status: 200 },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 200 },
  OPERATION_RESOLUTION_FAILURE: { status: 400 },
  INTROSPECTION_DISABLED: { status: 400 },
});

function isClientCode(value: unknown): value is ClientCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/** The table's row for a code; unknown codes are internal errors. */
export function statusOf(code: string): CodeStatus {
  return isClientCode(code) ? ERROR_STATUS[code] : ERROR_STATUS.INTERNAL_SERVER_ERROR;
}

/**
 * The status of a response that failed as a whole with several errors: their common status,
 * else the worst 5xx (a server fault outranks a client mistake), else a plain 400. Retry-After
 * is the longest any 503 asks for.
 */
export function statusOfAll(codes: readonly string[]): CodeStatus {
  const rows = codes.map(statusOf);
  const statuses = new Set(rows.map((row) => row.status));
  const serverStatuses = [...statuses].filter((status) => status >= 500);
  let status: number;
  if (statuses.size === 1) status = rows[0]?.status ?? ERROR_STATUS.INTERNAL_SERVER_ERROR.status;
  else if (serverStatuses.length > 0) status = Math.max(...serverStatuses);
  else status = ERROR_STATUS.BAD_USER_INPUT.status;
  const waits = rows
    .filter((row) => row.status === status && row.retryAfterSeconds !== undefined)
    .map((row) => row.retryAfterSeconds as number);
  return waits.length === 0 ? { status } : { status, retryAfterSeconds: Math.max(...waits) };
}
