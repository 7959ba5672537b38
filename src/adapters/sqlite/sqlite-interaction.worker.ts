/**
 * The SQLite interaction store's own thread: it owns the connection to the interaction file,
 * so a batch's transaction and its fsync never block the main thread's event loop (which
 * serves searches). Started by sqlite-interaction-store.ts through src/lib/worker-rpc.ts.
 */
import type { InteractionEvent, PopularityCounts } from '../../domain/interaction';
import { serve } from '../../lib/worker-rpc';
import type { SqliteInteractionDbOptions } from './sqlite-interaction-db';
import { SqliteInteractionDb } from './sqlite-interaction-db';

/** The interaction thread's API. Errors are AppErrors from translateSqliteError. */
export interface SqliteInteractionApi {
  /** `events` as JSON (an InteractionEvent[]). */
  record(events: string): void;
  popularity(productIds: readonly string[], queryKey: string | undefined): PopularityCounts;
  close(): void;
}

serve<SqliteInteractionApi, SqliteInteractionDbOptions>((options) => {
  const db = new SqliteInteractionDb(options);
  return {
    record: (events) => db.record(JSON.parse(events) as InteractionEvent[]),
    popularity: (productIds, queryKey) => db.popularity(productIds, queryKey),
    close: () => db.close(),
  };
});
