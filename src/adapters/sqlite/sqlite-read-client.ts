/**
 * The main-thread side of the read threads (sqlite-read.worker.ts), over src/lib/worker-rpc.ts:
 * a dead thread becomes INDEX_UNAVAILABLE for everything pending or later, and the AppErrors
 * the threads throw come back as the same classes.
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
import type { VectorStoreBuffers } from './sqlite-vector-layout';
import type { CompiledFilter, StoreHits } from './sqlite-vector-reader';
import type { StoreNames, VectorStore } from './sqlite-vector-store';
import { nameHits } from './sqlite-vector-store';

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

/** Products re-scored exactly after the int8 scan, for a page of k (see bench/README.md). */
function candidatesFor(k: number): number {
  return 2 * k + 64;
}

/**
 * Below this many rows one worker scans them all: splitting costs a message round more (about
 * 0.1-0.2 ms) than such a scan saves.
 */
export const SPLIT_MIN_ROWS = 16384;

interface Lane {
  readonly rpc: WorkerClient<SqliteReadApi>;
  pending: number;
}

/**
 * The read workers: `vectorWorkers` threads scanning the shared vector index, and one keyword
 * thread with its own connection, so BM25 never waits behind a scan. A kNN search goes to the
 * vector worker with the fewest searches in flight, or, on a catalog of SPLIT_MIN_ROWS rows or
 * more, to every vector worker, each scanning its share of the rows, and then the merged best
 * rows to the least busy one for the exact re-score: one search uses every core, and concurrent
 * searches take turns on each worker (calls run in arrival order). One dead thread makes the whole read side
 * INDEX_UNAVAILABLE (WORKER_EXITED), as with one thread: every pending and later search fails.
 */
export class SqliteReadClient {
  private readonly inFlight = new Set<(error: Error) => void>();
  private failure: Error | undefined;

  private constructor(
    private readonly vectors: readonly Lane[],
    private readonly keywords: Lane,
    private readonly store: VectorStore,
  ) {}

  /** Starts the threads and resolves once all are ready; rejects with the first error. */
  static async start(
    file: string,
    busyTimeoutMs: number,
    store: VectorStore,
    vectorWorkers: number,
  ): Promise<SqliteReadClient> {
    const begin = (data: SqliteReadWorkerData) =>
      WorkerClient.start<SqliteReadApi, SqliteReadWorkerData>({
        modulePath: path.join(__dirname, 'sqlite-read.worker'),
        data,
        stoppedError,
        reviveError: reviveReadError,
      });
    const starts = [
      begin({ file, busyTimeoutMs }),
      ...Array.from({ length: vectorWorkers }, (_, lane) =>
        begin({ file, busyTimeoutMs, store: store.buffers, lane }),
      ),
    ];
    const settled = await Promise.allSettled(starts);
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      await Promise.all(
        settled.map((result) => (result.status === 'fulfilled' ? result.value.terminate() : null)),
      );
      throw (failed as PromiseRejectedResult).reason;
    }
    const [keywords, ...vectors] = settled.map((result) => ({
      rpc: (result as PromiseFulfilledResult<WorkerClient<SqliteReadApi>>).value,
      pending: 0,
    }));
    return new SqliteReadClient(vectors, keywords!, store);
  }

  async searchVector(query: VectorQuery): Promise<VectorHit[]> {
    const k = Math.trunc(query.k);
    if (k <= 0) return [];
    const filter = this.store.compile(query.filter);
    this.check();
    if (filter === null) return [];
    // The rows the workers return number the buffers they hold when these calls arrive (the
    // last ones sent before them), named by the names of that generation.
    const names = this.store.names;
    const published = this.store.rows;
    const search = { vector: query.vector, filter, candidates: candidatesFor(k) };
    const found =
      this.vectors.length > 1 && published >= SPLIT_MIN_ROWS
        ? await this.splitSearch(search, names, published)
        : await this.onLeastBusy((lane) => lane.rpc.call('searchVector', [search]));
    const hits = nameHits(found, names);
    hits.sort(
      (a, b) =>
        b.similarity - a.similarity ||
        (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0),
    );
    const page = hits.slice(0, k);
    const min = query.minSimilarity;
    return min === undefined ? page : page.filter((hit) => hit.similarity >= min);
  }

  /**
   * Each vector worker scans an equal share of the `published` rows (the rows whose pks
   * `names` holds; later ones were written after this search started), then the best
   * `candidates` of all shares are re-scored on one worker.
   */
  private async splitSearch(
    search: { vector: Float32Array; filter: CompiledFilter; candidates: number },
    names: StoreNames,
    published: number,
  ): Promise<StoreHits> {
    const parts = this.vectors.length;
    const scans = await Promise.all(
      this.vectors.map((lane, i) => {
        const from = Math.floor((i * published) / parts);
        const to = Math.floor(((i + 1) * published) / parts);
        return this.call(lane, () => lane.rpc.call('scanVector', [{ ...search, from, to }]));
      }),
    );
    const merged = scans.flatMap(({ rows, scores }) =>
      Array.from(rows, (row, i) => ({ row, score: scores[i]! })),
    );
    merged.sort((a, b) => b.score - a.score);
    const best = merged.slice(0, search.candidates);
    const rows = Int32Array.from(best, (entry) => entry.row);
    const pks = Float64Array.from(best, (entry) => names.pks[entry.row]!);
    return this.onLeastBusy((lane) =>
      lane.rpc.call('rescoreVector', [{ vector: search.vector, rows, pks }]),
    );
  }

  /** Runs `work` on the vector worker with the fewest calls in flight. */
  private onLeastBusy<T>(work: (lane: Lane) => Promise<T>): Promise<T> {
    const lane = this.vectors.reduce((best, lane) => (lane.pending < best.pending ? lane : best));
    return this.call(lane, () => work(lane));
  }

  searchKeyword(query: KeywordQuery): Promise<KeywordHit[]> {
    return this.call(this.keywords, () => this.keywords.rpc.call('searchKeyword', [query]));
  }

  /** Hands grown buffers to every vector worker, ahead of any later search. */
  adopt(buffers: VectorStoreBuffers): void {
    for (const lane of this.vectors) {
      // A dead worker fails the next search; nothing to do here.
      lane.rpc.call('adopt', [buffers]).catch(() => undefined);
    }
  }

  /** Throws the reason searches fail, if a thread is gone. */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
    for (const lane of [this.keywords, ...this.vectors]) {
      const failure = lane.rpc.failure;
      if (failure !== undefined) this.fail(failure);
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stops the threads; pending searches fail as CLOSED. */
  async terminate(): Promise<void> {
    await Promise.all([this.keywords, ...this.vectors].map((lane) => lane.rpc.terminate()));
  }

  private async call<T>(lane: Lane, work: () => Promise<T>): Promise<T> {
    this.check();
    lane.pending++;
    let reject: (error: Error) => void = () => undefined;
    const failed = new Promise<never>((_, rejectWith) => {
      reject = rejectWith;
    });
    this.inFlight.add(reject);
    try {
      return await Promise.race([work(), failed]);
    } catch (error) {
      const failure = lane.rpc.failure;
      if (failure !== undefined && this.failure === undefined) this.fail(failure);
      throw this.failure ?? error;
    } finally {
      lane.pending--;
      this.inFlight.delete(reject);
    }
  }

  /** A thread died (not a terminate): every pending and later search fails with its error. */
  private fail(failure: Error): void {
    if (this.failure !== undefined) return;
    if ((failure as AppError).details?.reason === 'CLOSED') return;
    this.failure = failure;
    for (const reject of this.inFlight) reject(failure);
    this.inFlight.clear();
  }
}
