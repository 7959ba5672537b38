/**
 * What `npm start` prints when the service cannot start: the logger may not exist yet, so a
 * plain sentence on stderr. One kind per cause: ConfigError (bad or missing settings), an
 * AppError (the model, the index or the backend), anything else (a bug: its stack).
 */
import { isAppError } from './app-error';
import { ConfigError } from './config-error';
import type { ErrorCode } from './error-codes';

// Hints start with a blank line, to stand apart from the failure.
const TOY_MODEL_HINT =
  '\nTo try the service without a download, use the toy colour model:\n' +
  '  npm run models:toy -- --out models/toy && MODEL_DIR=models/toy npm start\n';

const REINDEX_HINT =
  '\nStart with the model that built the index, or point DATA_DIR (SQLite) or ES_INDEX_PREFIX\n' +
  '(Elasticsearch) at a new location and index the catalog again.\n';

const HINTS: Partial<Record<ErrorCode, string>> = {
  MODEL_UNAVAILABLE: TOY_MODEL_HINT,
  MODEL_MISMATCH: REINDEX_HINT,
  DIMENSION_MISMATCH: REINDEX_HINT,
};

function messageOf(error: unknown): string {
  if (error instanceof ConfigError || isAppError(error)) return error.message;
  // Not a cause we know: the stack is what a developer needs to find the bug.
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}

/** The whole text for stderr: a heading, the failure, and a hint where one helps. */
export function describeStartupFailure(error: unknown): string {
  const hint = isAppError(error) ? (HINTS[error.code] ?? '') : '';
  return `\nproduct-image-search could not start:\n${messageOf(error)}\n${hint}`;
}
