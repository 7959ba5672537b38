/**
 * the SQLite index's read side, on its own thread. The exact kNN scan is synchronous in
 * better-sqlite3 and takes ~135 ms at 100k images x 512 dims; on the main thread it would
 * stall every other request. This thread holds a read-only connection to the same catalog
 * file (WAL lets it read while the main connection writes) and answers one query at a time.
 *
 * Each query is one autocommit statement run to completion, so its read transaction ends with
 * it: a query received after an upsert resolved starts a new snapshot and sees that write.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { translateSqliteError } from './sqlite-errors';
import { KeywordSearch } from './sqlite-keyword-search';
import type { ReadReply, ReadRequest, ReadWorkerData } from './sqlite-read-protocol';
import { serializeError } from './sqlite-read-protocol';
import { VectorSearch } from './sqlite-vector-search';

interface Reader {
  readonly vectors: VectorSearch;
  readonly keywords: KeywordSearch;
}

function openReader({ file, busyTimeoutMs }: ReadWorkerData): Reader {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  try {
    sqliteVec.load(db);
    return { vectors: new VectorSearch(db), keywords: new KeywordSearch(db) };
  } catch (error) {
    db.close();
    throw error;
  }
}

function answer(reader: Reader, request: ReadRequest): unknown {
  switch (request.op) {
    case 'searchVector':
      return reader.vectors.search(request.query);
    case 'searchKeyword':
      return reader.keywords.search(request.query);
  }
}

function serve(port: NonNullable<typeof parentPort>, data: ReadWorkerData): void {
  let reader: Reader;
  try {
    reader = openReader(data);
  } catch (error) {
    const reply: ReadReply = { id: 0, error: serializeError(translateSqliteError(error, 'open')) };
    port.postMessage(reply);
    return;
  }
  port.on('message', (request: ReadRequest) => {
    let reply: ReadReply;
    try {
      reply = { id: request.id, value: answer(reader, request) };
    } catch (error) {
      reply = { id: request.id, error: serializeError(translateSqliteError(error, request.op)) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ id: 0, value: 'ready' } satisfies ReadReply);
}

// Importing this module elsewhere (for its types) must not start serving.
if (parentPort !== null && (workerData as Partial<ReadWorkerData> | null)?.role === 'sqlite-read') {
  serve(parentPort, workerData as ReadWorkerData);
}
