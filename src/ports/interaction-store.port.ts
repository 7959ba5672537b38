import type { InteractionEvent, PopularityCounts } from '../domain/interaction';

/**
 * Where shopper interactions live: the raw events and, per product and per (query key,
 * product), their time-decayed counts (domain/interaction.ts: `addEvents`), so a read costs one
 * lookup per asked id whatever the number of events. One contract suite
 * (test/contract/interaction-store/) runs against every adapter and the in-memory fake.
 *
 * Invariants:
 * - The store is bound to one half-life (given at construction); aggregates are kept decayed
 *   with it. Changing the half-life applies to events recorded afterwards.
 * - `record` stores one batch: when it resolves, every event is durable and counted by
 *   `popularity`. An empty batch writes nothing. SQLite writes a batch in one transaction
 *   (all or nothing); Elasticsearch, which has no multi-document transactions, stores the raw
 *   events first and then the aggregates under optimistic concurrency, so a rejected record
 *   may have stored raw events that the aggregates do not count (see the adapter).
 * - Several service instances may share one store: aggregate updates never lose another
 *   writer's events (SQLite: file locks; Elasticsearch: `if_seq_no` and retry).
 * - `popularity` returns the aggregates of the asked products that have events, each with the
 *   reference time it is decayed to (the reader decays it to its own "now"); ids without
 *   events are absent. `query` holds the (queryKey, product) aggregates when a key is given.
 * - Failures are AppErrors: INDEX_UNAVAILABLE when the backend cannot serve, OVERLOADED when
 *   it asks to slow down.
 */
export interface InteractionStore {
  /** 'sqlite' | 'elasticsearch' | 'in-memory'. */
  readonly kind: string;
  /** Creates what is missing (file, tables, indices). Idempotent. */
  open(): Promise<void>;
  record(events: readonly InteractionEvent[]): Promise<void>;
  popularity(
    productIds: readonly string[],
    queryKey: string | undefined,
  ): Promise<PopularityCounts>;
  close(): Promise<void>;
}
