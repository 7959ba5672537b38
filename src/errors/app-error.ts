/**
 * The error model shared by every layer. Services and adapters throw AppError subclasses;
 * `toClientError` (client-error.ts) turns anything thrown into what a client may see, and the
 * code's HTTP status comes from the table in error-codes.ts.
 */
import { ErrorCode } from './error-codes';

export { ErrorCode } from './error-codes';

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  /** Safe, structured detail for the client (never secrets, never stacks). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = Object.freeze({ ...details });
  }
}

export class BadUserInputError extends AppError {
  readonly code = ErrorCode.BAD_USER_INPUT;
}
export class UnsupportedMediaTypeError extends AppError {
  readonly code = ErrorCode.UNSUPPORTED_MEDIA_TYPE;
}
export class PayloadTooLargeError extends AppError {
  readonly code = ErrorCode.PAYLOAD_TOO_LARGE;
}
export class NotFoundError extends AppError {
  readonly code = ErrorCode.NOT_FOUND;
}
export class EmbeddingFailedError extends AppError {
  readonly code = ErrorCode.EMBEDDING_FAILED;
}
export class IndexUnavailableError extends AppError {
  readonly code = ErrorCode.INDEX_UNAVAILABLE;
}
/** A vector, or an index, of other dims than the model's. */
export class DimensionMismatchError extends AppError {
  readonly code = ErrorCode.DIMENSION_MISMATCH;
}
/** The index was built by another model: same dims maybe, but its vectors live in another space. */
export class ModelMismatchError extends AppError {
  readonly code = ErrorCode.MODEL_MISMATCH;
}
/** A photo URL could not be fetched: details say which photo, and the HTTP status or reason. */
export class ImageFetchFailedError extends AppError {
  readonly code = ErrorCode.IMAGE_FETCH_FAILED;
}
/** A photo URL points at an address the service refuses to reach (loopback, private, ...). */
export class ImageUrlForbiddenError extends AppError {
  readonly code = ErrorCode.IMAGE_URL_FORBIDDEN;
}
export class OverloadedError extends AppError {
  readonly code = ErrorCode.OVERLOADED;
}
export class ModelUnavailableError extends AppError {
  readonly code = ErrorCode.MODEL_UNAVAILABLE;
}

/** No valid API key was presented where the operation needs one; details say why. */
export class UnauthenticatedError extends AppError {
  readonly code = ErrorCode.UNAUTHENTICATED;
}
/** A valid API key that lacks the scope the operation needs; details name both. */
export class ForbiddenError extends AppError {
  readonly code = ErrorCode.FORBIDDEN;
}
/**
 * An operation over one of the query limits (depth, aliases, tokens, cost, directives,
 * embeddings): details.limit names it, details.max is the limit and details.found the value.
 */
export class QueryLimitExceededError extends AppError {
  readonly code = ErrorCode.QUERY_LIMIT_EXCEEDED;
}
/** Too many requests from one client: details.retryAfterSeconds says when to come back. */
export class RateLimitedError extends AppError {
  readonly code = ErrorCode.RATE_LIMITED;
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
