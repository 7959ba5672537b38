/**
 * The one place that decides what a client may see about anything thrown, whichever layer
 * answers: Apollo's formatError (graphql/) and express's error handler (http/) both call
 * `toClientError`. Unknown failures become INTERNAL_SERVER_ERROR with a generic message, so no
 * vendor detail, path or secret leaks; stacks only when the caller asks (development).
 */
import { GraphQLError } from 'graphql';
import { isAppError } from './app-error';
import type { ClientCode } from './error-codes';
import { ApolloCode, ErrorCode, statusOf } from './error-codes';

export interface ClientError {
  readonly code: ClientCode;
  readonly message: string;
  /** The code's HTTP status, from the table in error-codes.ts. */
  readonly status: number;
  /** Seconds to wait before a retry, for 503s. */
  readonly retryAfterSeconds?: number;
  /** An AppError's safe, structured details. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The original error's stack, split into lines; only with `includeStack`. */
  readonly stacktrace?: readonly string[];
}

export interface ClientErrorOptions {
  /** Show the original stack (development only: stacks reveal paths and internals). */
  readonly includeStack: boolean;
}

const GENERIC_MESSAGE = 'Internal server error';

/** Codes whose GraphQLErrors (from Apollo or graphql-js, not resolvers) have safe messages. */
const GRAPHQL_OWN_CODES: ReadonlySet<unknown> = new Set<ClientCode>([
  ...Object.values(ApolloCode),
  ErrorCode.BAD_USER_INPUT,
]);

function isGraphqlOwnCode(code: unknown): code is ClientCode {
  return GRAPHQL_OWN_CODES.has(code);
}

/**
 * graphql-upload-ts's UploadError codes (and the GraphQLErrors its Upload scalar throws) that
 * mean the client sent too much; every other 4xx of theirs is a malformed request.
 */
const UPLOAD_TOO_LARGE_CODES: ReadonlySet<string> = new Set([
  'FILE_TOO_LARGE',
  'TOO_MANY_FILES',
  'FIELD_TOO_LARGE',
]);
const UPLOAD_SCALAR_CODES: ReadonlySet<string> = new Set([
  'INVALID_UPLOAD_VALUE',
  'UPLOAD_LITERAL_UNSUPPORTED',
]);

type Classified = Pick<ClientError, 'code' | 'message' | 'details'>;

const INTERNAL: Classified = { code: ErrorCode.INTERNAL_SERVER_ERROR, message: GENERIC_MESSAGE };

/**
 * http-errors objects (body-parser, graphql-upload-ts's UploadError: a numeric `status` and
 * `expose: true`) are refusals of what the client sent; map their status onto our codes.
 */
function fromHttpError(error: unknown): Classified | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, status, statusCode, expose } = error as Error & Record<string, unknown>;
  if (typeof code === 'string' && UPLOAD_TOO_LARGE_CODES.has(code)) {
    return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: error.message };
  }
  const httpStatus = typeof status === 'number' ? status : statusCode;
  if (typeof httpStatus !== 'number' || expose !== true) return undefined;
  if (httpStatus === 413) return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: error.message };
  if (httpStatus === 415) {
    return { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: error.message };
  }
  if (httpStatus >= 400 && httpStatus < 500) {
    return { code: ErrorCode.BAD_USER_INPUT, message: error.message };
  }
  return undefined;
}

/** graphql-js's own wording when a document passes the parser's `maxTokens` ("more that" sic). */
const TOKEN_LIMIT = /Document contains more th(?:an|at) (\d+) tokens/u;

/**
 * Refusals graphql-js and Apollo word in prose that deserve their own code: the parser's token
 * cap (GRAPHQL_MAX_TOKENS) and Apollo's introspection switch.
 */
function fromLimitError(error: GraphQLError): Classified | undefined {
  const tokens = TOKEN_LIMIT.exec(error.message);
  if (tokens !== null && error.extensions.code === ApolloCode.GRAPHQL_PARSE_FAILED) {
    const max = Number(tokens[1]);
    return {
      code: ErrorCode.QUERY_LIMIT_EXCEEDED,
      message: `The document has more than ${max} tokens`,
      details: { limit: 'tokens', max },
    };
  }
  if (error.extensions.validationErrorCode === ApolloCode.INTROSPECTION_DISABLED) {
    return { code: ApolloCode.INTROSPECTION_DISABLED, message: error.message };
  }
  return undefined;
}

function fromGraphqlError(error: GraphQLError, depth: number): Classified {
  const limit = fromLimitError(error);
  if (limit !== undefined) return limit;
  const cause = error.originalError;
  // A resolver's (or context's, or plugin's) own error wrapped by graphql-js or Apollo.
  if (cause instanceof Error && !(cause instanceof GraphQLError)) return classify(cause, depth + 1);
  const code = error.extensions.code;
  if (isGraphqlOwnCode(code) && cause === undefined) return { code, message: error.message };
  if (typeof code === 'string' && UPLOAD_SCALAR_CODES.has(code)) {
    return { code: ErrorCode.BAD_USER_INPUT, message: error.message };
  }
  if (cause instanceof GraphQLError && cause !== error) {
    // Apollo re-wraps graphql-js errors (UserInputError, OperationResolutionError) with the
    // inner one as cause: the outer code is Apollo's own and safe.
    if (isGraphqlOwnCode(code) && !hasPath(error)) return { code, message: error.message };
    return classify(cause, depth + 1);
  }
  return INTERNAL;
}

function hasPath(error: GraphQLError): boolean {
  return error.path !== undefined && error.path.length > 0;
}

function classify(error: unknown, depth = 0): Classified {
  // A cycle of causes would loop forever; a real chain is two or three deep.
  if (depth > 5) return INTERNAL;
  if (isAppError(error)) {
    return { code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof GraphQLError) return fromGraphqlError(error, depth);
  return fromHttpError(error) ?? INTERNAL;
}

function stackOf(error: unknown, depth = 0): readonly string[] | undefined {
  if (error instanceof GraphQLError && error.originalError instanceof Error && depth < 5) {
    return stackOf(error.originalError, depth + 1) ?? error.stack?.split('\n');
  }
  return error instanceof Error && typeof error.stack === 'string'
    ? error.stack.split('\n')
    : undefined;
}

/**
 * The table's wait, unless the error knows its own (details.retryAfterSeconds, a positive whole
 * number: a rate limiter knows when its window ends).
 */
function retryAfterOf(classified: Classified): number | undefined {
  const tableWait = statusOf(classified.code).retryAfterSeconds;
  const own = classified.details?.retryAfterSeconds;
  if (tableWait === undefined) return undefined;
  return typeof own === 'number' && Number.isInteger(own) && own > 0 ? own : tableWait;
}

/** What a client may see about `error`. Never throws, whatever it is given. */
export function toClientError(error: unknown, options: ClientErrorOptions): ClientError {
  try {
    const classified = classify(error);
    const { status } = statusOf(classified.code);
    const retryAfterSeconds = retryAfterOf(classified);
    const stacktrace = options.includeStack ? stackOf(error) : undefined;
    return {
      ...classified,
      status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      ...(stacktrace === undefined ? {} : { stacktrace }),
    };
  } catch {
    // Hostile values (a Proxy whose traps throw) end here.
    return { ...INTERNAL, status: statusOf(INTERNAL.code).status };
  }
}
