import type { KeywordHit, VectorHit } from '../../domain/search';
import {
  type AppError,
  BadUserInputError,
  DimensionMismatchError,
  ErrorCode,
  IndexUnavailableError,
} from '../../errors/app-error';
import type { KeywordQuery, VectorQuery } from '../../ports/product-index.port';

/** What the read worker is started with. */
export interface ReadWorkerData {
  /** Marks the thread as ours, so importing the worker module elsewhere does nothing. */
  readonly role: 'sqlite-read';
  readonly file: string;
  readonly busyTimeoutMs: number;
}

export type ReadRequest =
  | { readonly id: number; readonly op: 'searchVector'; readonly query: VectorQuery }
  | { readonly id: number; readonly op: 'searchKeyword'; readonly query: KeywordQuery };

export type ReadOp = ReadRequest['op'];

export interface ReadResults {
  readonly searchVector: VectorHit[];
  readonly searchKeyword: KeywordHit[];
}

/** An AppError as plain data: classes do not survive postMessage's structured clone. */
export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Worker -> main thread. `id` 0 is the start-up report, before any request. */
export type ReadReply =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: SerializedError };

export function serializeError(error: AppError): SerializedError {
  return { code: error.code, message: error.message, details: { ...error.details } };
}

/**
 * Rebuilds the AppError the worker threw. Only the codes translateSqliteError (or a query
 * check) can produce are expected; anything else still surfaces as INDEX_UNAVAILABLE so no
 * unknown shape escapes the adapter.
 */
export function deserializeError(error: SerializedError): AppError {
  const { code, message, details } = error;
  if (code === ErrorCode.BAD_USER_INPUT) return new BadUserInputError(message, details);
  if (code === ErrorCode.DIMENSION_MISMATCH) return new DimensionMismatchError(message, details);
  if (code === ErrorCode.INDEX_UNAVAILABLE) return new IndexUnavailableError(message, details);
  return new IndexUnavailableError(message, { ...details, code });
}
