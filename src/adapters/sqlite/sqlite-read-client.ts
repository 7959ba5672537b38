/**
 * The main-thread side of the read thread (sqlite-read.worker.ts), over src/lib/worker-rpc.ts:
 * a dead thread becomes INDEX_UNAVAILABLE for everything pending or later, and the AppErrors
 * the thread throws come back as the same classes.
 */
import path from 'node:path';
import type { KeywordHit, VectorHit } from '../../domain/search';
import type { AppError } from '../../errors/app-error';
import {
  BadUserInputError,
  DimensionMismatchError,
  ErrorCode,
  IndexUnavailableError,
} from '../../errors/app-error';
import type { SerializedError, StopReason } from '../../lib/worker-rpc';
import { WorkerClient } from '../../lib/worker-rpc';
import type { KeywordQuery, VectorQuery } from '../../ports/product-index.port';
import type { SqliteReadApi, SqliteReadWorkerData } from './sqlite-read.worker';

/**
 * Rebuilds the AppError the thread threw. Only the codes translateSqliteError (or a query
 * check) can produce are expected; anything else still surfaces as INDEX_UNAVAILABLE so no
 * unknown shape escapes the adapter.
 */
function reviveReadError(error: SerializedError): AppError {
  const { code, message } = error;
  const details = error.details ?? {};
  if (code === ErrorCode.BAD_USER_INPUT) return new BadUserInputError(message, details);
  if (code === ErrorCode.DIMENSION_MISMATCH) return new DimensionMismatchError(message, details);
  if (code === ErrorCode.INDEX_UNAVAILABLE) return new IndexUnavailableError(message, details);
  return new IndexUnavailableError(message, { ...details, code });
}

function stoppedError(reason: StopReason, cause: unknown): AppError {
  return new IndexUnavailableError(
    reason === 'CLOSED' ? 'The SQLite index is not open' : 'The SQLite read worker stopped',
    { reason },
    { cause },
  );
}

export class SqliteReadClient {
  private constructor(private readonly rpc: WorkerClient<SqliteReadApi>) {}

  /** Starts the thread and resolves once its connection is open; rejects with its error. */
  static async start(file: string, busyTimeoutMs: number): Promise<SqliteReadClient> {
    const rpc = await WorkerClient.start<SqliteReadApi, SqliteReadWorkerData>({
      modulePath: path.join(__dirname, 'sqlite-read.worker'),
      data: { file, busyTimeoutMs },
      stoppedError,
      reviveError: reviveReadError,
    });
    return new SqliteReadClient(rpc);
  }

  searchVector(query: VectorQuery): Promise<VectorHit[]> {
    // A view may sit on a large pooled buffer and cloning copies the whole buffer: own it.
    return this.rpc.call('searchVector', [{ ...query, vector: query.vector.slice() }]);
  }

  searchKeyword(query: KeywordQuery): Promise<KeywordHit[]> {
    return this.rpc.call('searchKeyword', [query]);
  }

  /** Throws the reason searches fail, if the thread is gone. */
  check(): void {
    this.rpc.check();
  }

  /** Stops the thread; pending searches fail as CLOSED. */
  terminate(): Promise<void> {
    return this.rpc.terminate();
  }
}
