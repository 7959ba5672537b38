/**
 * The main-thread side of the read worker (sqlite-read-worker.ts): sends searches, matches
 * replies by id and turns a dead thread into INDEX_UNAVAILABLE for everything pending or later.
 *
 * Started like the ONNX Runtime worker (ort-worker.ts): a short plain-JavaScript program
 * (`eval`) that loads the worker module. From compiled output that module is `.js`; under
 * tsx or ts-jest it is the `.ts` source, which the bootstrap loads through tsx's require hook.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AppError } from '../../errors/app-error';
import { IndexUnavailableError } from '../../errors/app-error';
import type { KeywordQuery, VectorQuery } from '../../ports/product-index.port';
import type { ReadOp, ReadReply, ReadResults, ReadWorkerData } from './sqlite-read-protocol';
import { deserializeError } from './sqlite-read-protocol';

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.tsxApiPath !== null) require(workerData.tsxApiPath).register();
require(workerData.script);
`;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: AppError) => void;
}

function workerScript(): { script: string; tsxApiPath: string | null } {
  const extension = path.extname(__filename);
  const script = path.join(__dirname, `sqlite-read-worker${extension}`);
  return { script, tsxApiPath: extension === '.ts' ? require.resolve('tsx/cjs/api') : null };
}

export class SqliteReadClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped: AppError | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: ReadReply) => this.settle(reply));
    worker.on('error', (error) => this.fail('WORKER_EXITED', error));
    worker.on('exit', (exitCode) => this.fail('WORKER_EXITED', { exitCode }));
  }

  /** Starts the thread and resolves once its connection is open; rejects with its error. */
  static async start(file: string, busyTimeoutMs: number): Promise<SqliteReadClient> {
    const data: ReadWorkerData = { role: 'sqlite-read', file, busyTimeoutMs };
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { ...data, ...workerScript() },
    });
    const client = new SqliteReadClient(worker);
    try {
      await client.awaitReply(0);
    } catch (error) {
      await client.terminate();
      throw error;
    }
    // Only keep the process alive while a search is waiting for an answer.
    worker.unref();
    return client;
  }

  searchVector(query: VectorQuery): Promise<ReadResults['searchVector']> {
    // A view may sit on a large pooled buffer and cloning copies the whole buffer: own it.
    return this.request('searchVector', { ...query, vector: query.vector.slice() });
  }

  searchKeyword(query: KeywordQuery): Promise<ReadResults['searchKeyword']> {
    return this.request('searchKeyword', query);
  }

  /** Throws the reason searches fail, if the thread is gone. */
  check(): void {
    if (this.stopped !== undefined) throw this.stopped;
  }

  /** Stops the thread; pending searches fail as CLOSED. */
  async terminate(): Promise<void> {
    this.fail('CLOSED');
    await this.worker.terminate();
  }

  private async request<K extends ReadOp>(op: K, query: unknown): Promise<ReadResults[K]> {
    this.check();
    const id = this.nextId++;
    const reply = this.awaitReply(id);
    if (this.pending.size === 1) this.worker.ref();
    this.worker.postMessage({ id, op, query });
    return (await reply) as ReadResults[K];
  }

  private awaitReply(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  private settle(reply: ReadReply): void {
    const entry = this.pending.get(reply.id);
    if (entry === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if ('error' in reply) entry.reject(deserializeError(reply.error));
    else entry.resolve(reply.value);
  }

  private fail(reason: 'WORKER_EXITED' | 'CLOSED', cause?: unknown): void {
    this.stopped ??= new IndexUnavailableError(
      reason === 'CLOSED' ? 'The SQLite index is not open' : 'The SQLite read worker stopped',
      { reason },
      { cause },
    );
    for (const entry of this.pending.values()) entry.reject(this.stopped);
    this.pending.clear();
    this.worker.unref();
  }
}
