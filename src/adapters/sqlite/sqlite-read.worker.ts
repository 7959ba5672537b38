/**
 * the SQLite index's read side, on its own threads. Two kinds run this module:
 * - vector workers (SQLITE_READ_WORKERS of them) scan the shared in-memory vector index
 *   (sqlite-vector-store.ts) that the main thread keeps current, and re-score its best products
 *   with the float32 vectors read through their own read-only connection;
 * - one keyword worker holds a read-only connection for BM25 over FTS5, so a keyword search
 *   never queues behind a kNN scan.
 * WAL lets these connections read while the main connection writes. Each query is one
 * autocommit statement run to completion, so a query received after a write resolved starts a
 * new snapshot and sees that write.
 *
 * Started by sqlite-read-client.ts through src/lib/worker-rpc.ts.
 */
import Database from 'better-sqlite3';
import type { KeywordHit } from '../../domain/search';
import { serve, Transfer } from '../../lib/worker-rpc';
import type { KeywordQuery } from '../../ports/product-index.port';
import { translateSqliteError } from './sqlite-errors';
import { SqliteExactVectors } from './sqlite-exact-vectors';
import { KeywordSearch } from './sqlite-keyword-search';
import type { VectorStoreBuffers } from './sqlite-vector-layout';
import type {
  RescoreQuery,
  ScanHits,
  ScanQuery,
  StoreHits,
  StoreQuery,
} from './sqlite-vector-reader';
import { VectorStoreReader } from './sqlite-vector-reader';

/** What the read thread is started with. */
export interface SqliteReadWorkerData {
  readonly file: string;
  readonly busyTimeoutMs: number;
  /** Set for a vector worker: the shared index it scans. Unset: the keyword worker. */
  readonly store?: VectorStoreBuffers;
  /** A vector worker's scratch lane in the shared memory: its index among the vector workers. */
  readonly lane?: number;
}

/** The read thread's API. Errors are AppErrors from translateSqliteError. */
export interface SqliteReadApi {
  /** Scans every row and re-scores the best. */
  searchVector(query: StoreQuery): StoreHits;
  /** One part of a split search: scans a range of rows, no re-score. */
  scanVector(query: ScanQuery): ScanHits;
  /** The other part: re-scores the rows that the parts' scans found best. */
  rescoreVector(query: RescoreQuery): StoreHits;
  searchKeyword(query: KeywordQuery): KeywordHit[];
  /** Switches a vector worker to grown buffers. */
  adopt(buffers: VectorStoreBuffers): void;
}

/** A read-only connection to the catalog, and what `use` builds on it. */
function open<T>(
  { file, busyTimeoutMs }: SqliteReadWorkerData,
  use: (db: Database.Database) => T,
): T {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    try {
      return use(db);
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    throw translateSqliteError(error, 'open');
  }
}

function notHere(operation: string): never {
  throw new TypeError(`${operation} is not served by this read worker`);
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
  const buffers = data.store;
  if (buffers !== undefined) {
    const store = open(
      data,
      (db) => new VectorStoreReader(buffers, new SqliteExactVectors(db), data.lane ?? 0),
    );
    const moved = (hits: StoreHits) =>
      new Transfer(hits, [hits.rows.buffer, hits.similarities.buffer] as ArrayBuffer[]);
    return {
      searchVector: translated('searchVector', (query: StoreQuery) => moved(store.search(query))),
      scanVector: translated('scanVector', (query: ScanQuery) => {
        const hits = store.scan(query);
        return new Transfer(hits, [hits.rows.buffer, hits.scores.buffer] as ArrayBuffer[]);
      }),
      rescoreVector: translated('rescoreVector', (query: RescoreQuery) =>
        moved(store.rescore(query)),
      ),
      searchKeyword: () => notHere('searchKeyword'),
      adopt: (next: VectorStoreBuffers) => store.adopt(next),
    };
  }
  const keywords = open(data, (db) => new KeywordSearch(db));
  return {
    searchVector: () => notHere('searchVector'),
    scanVector: () => notHere('scanVector'),
    rescoreVector: () => notHere('rescoreVector'),
    searchKeyword: translated('searchKeyword', (query: KeywordQuery) => keywords.search(query)),
    adopt: () => notHere('adopt'),
  };
});
