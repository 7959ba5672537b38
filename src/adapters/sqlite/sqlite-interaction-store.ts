import path from 'node:path';
import type { InteractionEvent, PopularityCounts } from '../../domain/interaction';
import type { AppError } from '../../errors/app-error';
import { BadUserInputError, ErrorCode, IndexUnavailableError } from '../../errors/app-error';
import type { SerializedError, StopReason } from '../../lib/worker-rpc';
import { WorkerClient } from '../../lib/worker-rpc';
import type { InteractionStore } from '../../ports/interaction-store.port';
import type { SqliteInteractionDbOptions } from './sqlite-interaction-db';
import type { SqliteInteractionApi } from './sqlite-interaction.worker';

export interface SqliteInteractionStoreOptions {
  /** The store's own SQLite file, e.g. `<DATA_DIR>/interactions.sqlite`. */
  readonly file: string;
  /** Half-life of the decayed counts, in milliseconds. */
  readonly halfLifeMs: number;
  /** How long a write waits for another process's lock. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

/** Only the codes translateSqliteError produces are expected; anything else cannot serve. */
function reviveError(error: SerializedError): AppError {
  const { code, message } = error;
  const details = error.details ?? {};
  if (code === ErrorCode.BAD_USER_INPUT) return new BadUserInputError(message, details);
  if (code === ErrorCode.INDEX_UNAVAILABLE) return new IndexUnavailableError(message, details);
  return new IndexUnavailableError(message, { ...details, code });
}

function stoppedError(reason: StopReason, cause: unknown): AppError {
  return new IndexUnavailableError(
    reason === 'CLOSED'
      ? 'The interaction store is not open'
      : 'The interaction store thread stopped',
    { reason },
    { cause },
  );
}

/**
 * Interactions in their own SQLite file beside the catalog, so event writes never take the
 * catalog's write lock nor wait behind it, and the catalog's read workers never see them; and
 * on their own thread (sqlite-interaction.worker.ts, one connection), so a batch's
 * transaction and fsync never block the event loop that serves searches. Calls run on that
 * thread in arrival order; `record` resolves once the batch is committed (durable).
 */
export class SqliteInteractionStore implements InteractionStore {
  readonly kind = 'sqlite';
  private rpc: WorkerClient<SqliteInteractionApi> | null = null;

  constructor(private readonly options: SqliteInteractionStoreOptions) {
    if (!(options.halfLifeMs > 0)) {
      throw new TypeError(`halfLifeMs must be positive, got ${options.halfLifeMs}`);
    }
  }

  async open(): Promise<void> {
    if (this.rpc !== null) return;
    const data: SqliteInteractionDbOptions = {
      file: this.options.file,
      halfLifeMs: this.options.halfLifeMs,
      busyTimeoutMs: this.options.busyTimeoutMs ?? 5000,
    };
    this.rpc = await WorkerClient.start<SqliteInteractionApi, SqliteInteractionDbOptions>({
      modulePath: path.join(__dirname, 'sqlite-interaction.worker'),
      data,
      stoppedError,
      reviveError,
    });
  }

  record(events: readonly InteractionEvent[]): Promise<void> {
    if (events.length === 0) return this.opened().then(() => undefined);
    // As JSON: one string crosses to the thread far cheaper than a structured clone of
    // hundreds of small objects (measured in bench/feedback-flood.bench.ts).
    return this.opened().then((rpc) => rpc.call('record', [JSON.stringify(events)]));
  }

  popularity(
    productIds: readonly string[],
    queryKey: string | undefined,
  ): Promise<PopularityCounts> {
    return this.opened().then((rpc) => rpc.call('popularity', [productIds, queryKey]));
  }

  async close(): Promise<void> {
    const { rpc } = this;
    this.rpc = null;
    if (rpc === null) return;
    // Close the connection on its thread (checkpointing the WAL), then stop the thread.
    await rpc.call('close', []).catch(() => undefined);
    await rpc.terminate();
  }

  private opened(): Promise<WorkerClient<SqliteInteractionApi>> {
    return this.rpc === null
      ? Promise.reject(stoppedError('CLOSED', undefined))
      : Promise.resolve(this.rpc);
  }
}
