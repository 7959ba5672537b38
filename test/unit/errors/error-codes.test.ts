import { ERROR_STATUS, ErrorCode, statusOf, statusOfAll } from '../../../src/errors/error-codes';

describe('the status table', () => {
  it('gives each code its HTTP status', () => {
    expect(
      Object.fromEntries(Object.entries(ERROR_STATUS).map(([code, row]) => [code, row.status])),
    ).toEqual({
      BAD_USER_INPUT: 400,
      UNSUPPORTED_MEDIA_TYPE: 415,
      PAYLOAD_TOO_LARGE: 413,
      NOT_FOUND: 404,
      EMBEDDING_FAILED: 500,
      INDEX_UNAVAILABLE: 503,
      DIMENSION_MISMATCH: 500,
      MODEL_MISMATCH: 500,
      IMAGE_FETCH_FAILED: 502,
      IMAGE_URL_FORBIDDEN: 403,
      OVERLOADED: 503,
      MODEL_UNAVAILABLE: 503,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      INTERNAL_SERVER_ERROR: 500,
      GRAPHQL_PARSE_FAILED: 400,
      GRAPHQL_VALIDATION_FAILED: 400,
      BAD_REQUEST: 400,
      PERSISTED_QUERY_NOT_FOUND: 200,
      PERSISTED_QUERY_NOT_SUPPORTED: 200,
      OPERATION_RESOLUTION_FAILURE: 400,
      INTROSPECTION_DISABLED: 400,
      QUERY_LIMIT_EXCEEDED: 400,
      RATE_LIMITED: 429,
    });
  });

  it('has a row for every code services raise', () => {
    for (const code of Object.values(ErrorCode)) expect(ERROR_STATUS[code]).toBeDefined();
  });

  it('asks for a Retry-After on every 503 and 429, and only there', () => {
    for (const row of Object.values(ERROR_STATUS)) {
      expect(row.retryAfterSeconds !== undefined).toBe(row.status === 503 || row.status === 429);
    }
  });

  it('treats an unknown code as an internal error', () => {
    expect(statusOf('ES_SHARD_FAILURE').status).toBe(500);
    expect(statusOf('constructor').status).toBe(500);
  });
});

describe('statusOfAll', () => {
  it('keeps a status every error shares', () => {
    expect(statusOfAll(['OVERLOADED', 'OVERLOADED'])).toEqual({
      status: 503,
      retryAfterSeconds: 1,
    });
    expect(statusOfAll(['PAYLOAD_TOO_LARGE'])).toEqual({ status: 413 });
  });

  it('lets a server fault outrank client mistakes, else answers 400', () => {
    expect(statusOfAll(['BAD_USER_INPUT', 'INDEX_UNAVAILABLE']).status).toBe(503);
    expect(statusOfAll(['INTERNAL_SERVER_ERROR', 'OVERLOADED']).status).toBe(503);
    expect(statusOfAll(['NOT_FOUND', 'PAYLOAD_TOO_LARGE'])).toEqual({ status: 400 });
  });
});
