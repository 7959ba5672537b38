/**
 * Typed request/reply with one worker thread: the only message protocol between our threads.
 *
 * A worker's API is one TypeScript interface, shared by both sides: the worker module implements
 * it with `serve(init)`, the main thread calls it through `WorkerClient.call`, so a wrong method
 * name or argument is a compile error on either side.
 *
 *   // sqlite-read.worker.ts
 *   export interface SqliteReadApi { searchVector(query: VectorQuery): VectorHit[] }
 *   serve<SqliteReadApi, Data>((data) => ({ searchVector: (query) => ... }));
 *   // sqlite-read-client.ts
 *   const rpc = await WorkerClient.start<SqliteReadApi, Data>({ modulePath, data, stoppedError });
 *   const hits = await rpc.call('searchVector', [query]);
 *
 * Why not piscina: each of our workers owns one resource that cannot be shared or restarted
 * behind the caller's back (an ORT session, a SQLite connection), so we want one dedicated
 * thread per resource, not a pool; calls run on it in arrival order; replies carry transferables
 * (tensors move, not copy); and a dead thread must fail every pending and later call with an
 * error the adapter chooses (INDEX_UNAVAILABLE, ...), where a pool would respawn and retry.
 * What that needs is the small file below.
 */
import type { TransferListItem, Worker } from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';
import { isWorkerEnvelope, startWorkerThread } from './worker-thread';

/** Any function: the shape every method of a worker API has. */
type Method = (...args: never[]) => unknown;
/** A worker API: an interface whose every member is a method. */
export type WorkerApi<Api> = { [K in keyof Api]: Method };
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

/** A reply whose buffers move to the other thread instead of being copied. */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly list: readonly TransferListItem[],
  ) {}
}

/** What a handler may return for a method whose result is T. */
type Reply<T> = T | Transfer<T> | Promise<T | Transfer<T>>;

/** The worker-side implementation of `Api`. */
export type Handlers<Api extends WorkerApi<Api>> = {
  [K in keyof Api]: (...args: ArgsOf<Api[K]>) => Reply<ResultOf<Api[K]>>;
};

/** An error as plain data: classes and own properties do not survive structured clone. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Why a client stopped: its thread died, or `terminate()` was called. */
export type StopReason = 'WORKER_EXITED' | 'CLOSED';

interface Request {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** Worker -> main thread. Id 0 is the start-up report, before any call. */
type Response =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: SerializedError };

function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, details } = error as { code?: unknown; details?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof details === 'object' && details !== null ? { details: { ...details } } : {}),
  };
}

/** The default: an Error with the worker error's name, message, code and details. */
function reviveError(error: SerializedError): Error {
  const { name, message, ...rest } = error;
  return Object.assign(new Error(message), { name }, rest);
}

export interface WorkerClientOptions<Data> {
  /** The worker module: an absolute path without extension (see worker-thread.ts). */
  readonly modulePath: string;
  /** Passed to the module's `serve` init function. Must be structured-cloneable. */
  readonly data: Data;
  /**
   * The error every pending and later call rejects with once the thread is gone. `cause` is the
   * thread's uncaught error, `{ exitCode }`, or undefined after `terminate()`.
   */
  readonly stoppedError: (reason: StopReason, cause: unknown) => Error;
  /** Rebuilds an error thrown in the worker; by default an Error carrying its code and details. */
  readonly reviveError?: (error: SerializedError) => Error;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The main-thread side. Keeps the process alive only while a call is pending: an idle worker
 * never holds up a clean exit.
 */
export class WorkerClient<Api extends WorkerApi<Api>> {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped: Error | undefined;
  private readonly revive: (error: SerializedError) => Error;

  private constructor(
    private readonly worker: Worker,
    private readonly options: WorkerClientOptions<unknown>,
  ) {
    this.revive = options.reviveError ?? reviveError;
    worker.on('message', (response: Response) => this.settle(response));
    worker.on('error', (error) => this.fail('WORKER_EXITED', error));
    worker.on('exit', (exitCode) => this.fail('WORKER_EXITED', { exitCode }));
  }

  /**
   * Starts the thread and resolves once the module's init has run; rejects with init's error
   * (revived) or, if the thread dies first, with `stoppedError('WORKER_EXITED', ...)`.
   */
  static async start<Api extends WorkerApi<Api>, Data>(
    options: WorkerClientOptions<Data>,
  ): Promise<WorkerClient<Api>> {
    const worker = startWorkerThread(options.modulePath, options.data);
    const client = new WorkerClient<Api>(worker, options);
    try {
      await client.awaitReply(0);
    } catch (error) {
      await client.terminate();
      throw error;
    }
    return client;
  }

  /** Calls `method` in the worker. `transfer` lists buffers of `args` to move, not copy. */
  call<K extends keyof Api & string>(
    method: K,
    args: Readonly<ArgsOf<Api[K]>>,
    transfer: readonly TransferListItem[] = [],
  ): Promise<ResultOf<Api[K]>> {
    if (this.stopped !== undefined) return Promise.reject(this.stopped);
    const id = this.nextId++;
    const reply = this.awaitReply(id) as Promise<ResultOf<Api[K]>>;
    const request: Request = { id, method, args };
    try {
      this.worker.postMessage(request, transfer);
    } catch (error) {
      // An argument that cannot be cloned: only this call fails.
      this.settle({ id, error: serializeError(error) });
    }
    return reply;
  }

  /** Why calls fail (exit, crash or terminate), or undefined while the thread runs. */
  get failure(): Error | undefined {
    return this.stopped;
  }

  /** Throws the reason calls fail, if the thread is gone. */
  check(): void {
    if (this.stopped !== undefined) throw this.stopped;
  }

  /** Stops the thread; pending and later calls fail with `stoppedError('CLOSED')`. */
  async terminate(): Promise<void> {
    this.fail('CLOSED', undefined);
    await this.worker.terminate();
  }

  private awaitReply(id: number): Promise<unknown> {
    const reply = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.ref();
    return reply;
  }

  private settle(response: Response): void {
    const entry = this.pending.get(response.id);
    if (entry === undefined) return;
    this.pending.delete(response.id);
    if (this.pending.size === 0) this.worker.unref();
    if ('error' in response) entry.reject(this.revive(response.error));
    else entry.resolve(response.value);
  }

  private fail(reason: StopReason, cause: unknown): void {
    this.stopped ??= this.options.stoppedError(reason, cause);
    for (const entry of this.pending.values()) entry.reject(this.stopped);
    this.pending.clear();
    this.worker.unref();
  }
}

/**
 * The worker side: runs `init` with the client's data, then answers calls with its handlers.
 * A throwing init fails the client's `start`. Does nothing outside a thread started by
 * WorkerClient, so importing a worker module elsewhere is harmless.
 */
export function serve<Api extends WorkerApi<Api>, Data>(
  init: (data: Data) => Handlers<Api> | Promise<Handlers<Api>>,
): void {
  const port = parentPort;
  if (port === null || !isWorkerEnvelope(workerData)) return;
  const data = workerData.data as Data;
  const started = (async () => init(data))();
  started.then(
    (handlers) => {
      port.on('message', (request: Request) => {
        answer(handlers as Record<string, unknown>, request).then(
          ({ response, transfer }) => post(port, response, transfer),
          () => undefined, // answer never rejects
        );
      });
      post(port, { id: 0, value: null });
    },
    (error: unknown) => post(port, { id: 0, error: serializeError(error) }),
  );
}

async function answer(
  handlers: Record<string, unknown>,
  { id, method, args }: Request,
): Promise<{ response: Response; transfer: readonly TransferListItem[] }> {
  try {
    const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
    if (typeof handler !== 'function') throw new TypeError(`unknown worker method ${method}`);
    const result: unknown = await (handler as (...a: readonly unknown[]) => unknown)(...args);
    if (result instanceof Transfer)
      return { response: { id, value: result.value }, transfer: result.list };
    return { response: { id, value: result }, transfer: [] };
  } catch (error) {
    return { response: { id, error: serializeError(error) }, transfer: [] };
  }
}

/** Posts a response; a value that cannot be cloned becomes that call's error. */
function post(
  port: NonNullable<typeof parentPort>,
  response: Response,
  transfer: readonly TransferListItem[] = [],
): void {
  try {
    port.postMessage(response, transfer);
  } catch (error) {
    port.postMessage({ id: response.id, error: serializeError(error) } satisfies Response);
  }
}
