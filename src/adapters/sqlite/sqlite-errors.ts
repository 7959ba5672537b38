import { AppError, BadUserInputError, IndexUnavailableError } from '../../errors/app-error';

/**
 * better-sqlite3's SqliteError carries the extended result code, e.g. SQLITE_IOERR_FSYNC.
 * Duck-typed on purpose: the native addon keeps the error class of the first realm that
 * loaded it (a jest worker runs many), so `instanceof Error` is not reliable here.
 */
function sqliteCode(error: unknown): string | undefined {
  if (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string'
  ) {
    return error.code.startsWith('SQLITE_') ? error.code : undefined;
  }
  return undefined;
}

/**
 * Turns anything the driver throws into an AppError so no vendor error leaves the adapter.
 * Constraint violations mean the document itself was refused; everything else (busy after the
 * timeout, I/O, full disk, corruption, a closed handle) means the index cannot serve.
 */
export function translateSqliteError(error: unknown, operation: string): AppError {
  if (error instanceof AppError) return error;
  const code = sqliteCode(error);
  if (code?.startsWith('SQLITE_CONSTRAINT')) {
    return new BadUserInputError(
      `The index refused the ${operation}`,
      { operation },
      {
        cause: error,
      },
    );
  }
  return new IndexUnavailableError(
    `The SQLite index cannot serve the ${operation}`,
    { operation, ...(code === undefined ? {} : { reason: code }) },
    { cause: error },
  );
}
