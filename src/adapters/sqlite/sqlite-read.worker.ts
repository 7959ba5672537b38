/**
 * the SQLite index's read side, on its own thread. The exact kNN scan is synchronous in
 * better-sqlite3 and takes ~135 ms at 100k images x 512 dims; on the main thread it would
 * stall every other request. This thread holds a read-only connection to the same catalog
 * file (WAL lets it read while the main connection writes) and answers one query at a time.
 *
 * Each query is one autocommit statement run to completion, so its read transaction ends with
 * it: a query received after an upsert resolved starts a new snapshot and sees that write.
 *
 * Started by sqlite-read-client.ts through src/lib/worker-rpc.ts.
 */
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { KeywordHit, VectorHit } from '../../domain/search';
import { serve } from '../../lib/worker-rpc';
import type { KeywordQuery, VectorQuery } from '../../ports/product-index.port';
import { translateSqliteError } from './sqlite-errors';
import { KeywordSearch } from './sqlite-keyword-search';
import { VectorSearch } from './sqlite-vector-search';

/** What the read thread is started with. */
export interface SqliteReadWorkerData {
  readonly file: string;
  readonly busyTimeoutMs: number;
}

/** The read thread's API. Errors are AppErrors from translateSqliteError. */
export interface SqliteReadApi {
  searchVector(query: VectorQuery): VectorHit[];
  searchKeyword(query: KeywordQuery): KeywordHit[];
}

interface Reader {
  readonly vectors: VectorSearch;
  readonly keywords: KeywordSearch;
}

function openReader({ file, busyTimeoutMs }: SqliteReadWorkerData): Reader {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  try {
    sqliteVec.load(db);
    return { vectors: new VectorSearch(db), keywords: new KeywordSearch(db) };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Runs one search, turning a SQLite failure into the AppError the main thread rethrows. */
function translated<Q, R>(operation: string, search: (query: Q) => R): (query: Q) => R {
  return (query) => {
    try {
      return search(query);
    } catch (error) {
      throw translateSqliteError(error, operation);
    }
  };
}

serve<SqliteReadApi, SqliteReadWorkerData>((data) => {
  let reader: Reader;
  try {
    reader = openReader(data);
  } catch (error) {
    throw translateSqliteError(error, 'open');
  }
  const { vectors, keywords } = reader;
  return {
    searchVector: translated('searchVector', (query: VectorQuery) => vectors.search(query)),
    searchKeyword: translated('searchKeyword', (query: KeywordQuery) => keywords.search(query)),
  };
});
