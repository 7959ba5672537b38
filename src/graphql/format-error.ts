import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { ErrorCode, isAppError } from '../errors/app-error';

/** Codes Apollo itself assigns before or around execution; their messages are safe to show. */
const APOLLO_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'INTROSPECTION_DISABLED',
]);

const UPLOAD_TOO_LARGE_CODES: ReadonlySet<string> = new Set([
  'FILE_TOO_LARGE',
  'TOO_MANY_FILES',
  'FIELD_TOO_LARGE',
]);

const GENERIC_MESSAGE = 'Internal server error';

export interface ClientError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * graphql-upload-ts reports multipart problems either as its own UploadError (a string `code`)
 * or as http-errors objects (a numeric `status` with `expose: true`). Both mean the client sent
 * something we refuse, so they get a client code instead of INTERNAL_SERVER_ERROR.
 */
export function uploadErrorToClientError(error: unknown): ClientError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, status, statusCode, expose } = error as Error & {
    code?: unknown;
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
  };
  const httpStatus = typeof status === 'number' ? status : statusCode;
  if (typeof code === 'string' && UPLOAD_TOO_LARGE_CODES.has(code)) {
    return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: error.message };
  }
  if (typeof httpStatus !== 'number' || expose !== true) return undefined;
  if (httpStatus === 413) return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: error.message };
  if (httpStatus >= 400 && httpStatus < 500) {
    return { code: ErrorCode.BAD_USER_INPUT, message: error.message };
  }
  return undefined;
}

/** What the client may see about any thrown value: never throws, never leaks unknown messages. */
export function toClientError(error: unknown): ClientError {
  const original = unwrapResolverError(error);
  if (isAppError(original)) {
    return { code: original.code, message: original.message, details: original.details };
  }
  const upload = uploadErrorToClientError(original);
  if (upload !== undefined) return upload;
  if (error instanceof GraphQLError) {
    const code = error.extensions.code;
    const cause = error.originalError;
    const fromGraphql = cause === undefined || cause === null || cause instanceof GraphQLError;
    if (typeof code === 'string' && APOLLO_CODES.has(code) && fromGraphql) {
      return { code, message: error.message };
    }
  }
  return { code: ErrorCode.INTERNAL_SERVER_ERROR, message: GENERIC_MESSAGE };
}

function stackOf(error: unknown, formatted: GraphQLFormattedError): unknown {
  const original = unwrapResolverError(error);
  if (original instanceof Error && typeof original.stack === 'string') {
    return original.stack.split('\n');
  }
  return formatted.extensions?.stacktrace;
}

/**
 * Apollo's `formatError`: one place that turns anything thrown into `extensions.code` (+
 * `extensions.details` for AppErrors). Stack traces only when `includeStacktrace` is set
 * (development).
 */
export function createFormatError(options: { readonly includeStacktrace: boolean }) {
  return function formatError(
    formatted: GraphQLFormattedError,
    error: unknown,
  ): GraphQLFormattedError {
    try {
      const client = toClientError(error);
      const extensions: Record<string, unknown> = { code: client.code };
      if (client.details !== undefined) extensions.details = client.details;
      if (options.includeStacktrace) extensions.stacktrace = stackOf(error, formatted);
      return {
        message: client.message,
        ...(formatted.locations === undefined ? {} : { locations: formatted.locations }),
        ...(formatted.path === undefined ? {} : { path: formatted.path }),
        extensions,
      };
    } catch {
      // Formatting must never throw: Apollo would fall back to its own output.
      return { message: GENERIC_MESSAGE, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
  };
}
