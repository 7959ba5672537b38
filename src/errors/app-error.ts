/**
 * The error model shared by every layer. Services and adapters throw AppError subclasses;
 * only graphql/ turns them into GraphQL errors (extensions.code = AppError.code).
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  NOT_FOUND: 'NOT_FOUND',
  EMBEDDING_FAILED: 'EMBEDDING_FAILED',
  INDEX_UNAVAILABLE: 'INDEX_UNAVAILABLE',
  DIMENSION_MISMATCH: 'DIMENSION_MISMATCH',
  OVERLOADED: 'OVERLOADED',
  MODEL_UNAVAILABLE: 'MODEL_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

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
export class DimensionMismatchError extends AppError {
  readonly code = ErrorCode.DIMENSION_MISMATCH;
}
export class OverloadedError extends AppError {
  readonly code = ErrorCode.OVERLOADED;
}
export class ModelUnavailableError extends AppError {
  readonly code = ErrorCode.MODEL_UNAVAILABLE;
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
