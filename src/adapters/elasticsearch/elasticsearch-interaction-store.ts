import { createHash } from 'node:crypto';
import { Client, errors as esErrors, type estypes } from '@elastic/elasticsearch';
import type { DecayedCounts, InteractionEvent, PopularityCounts } from '../../domain/interaction';
import { addEvents, groupEvents } from '../../domain/interaction';
import { IndexUnavailableError } from '../../errors/app-error';
import type { InteractionStore } from '../../ports/interaction-store.port';
import { errorForStatus, translateEsError } from './elasticsearch-errors';

export interface ElasticsearchInteractionStoreOptions {
  readonly node: string;
  readonly auth?:
    { readonly apiKey: string } | { readonly username: string; readonly password: string };
  readonly ca?: string | undefined;
  /** The configured ES_INDEX_PREFIX: the store's indices are `<prefix>-interactions-*`. */
  readonly indexPrefix: string;
  readonly requestTimeoutMs: number;
  /** Half-life of the decayed counts, in milliseconds. */
  readonly halfLifeMs: number;
}

/** Index names: raw events (append only) and decayed aggregates (one document per key). */
export function interactionIndexNames(prefix: string): { events: string; popularity: string } {
  return {
    events: `${prefix}-interactions-events`,
    popularity: `${prefix}-interactions-popularity`,
  };
}

const SETTINGS = { index: { number_of_shards: 1, auto_expand_replicas: '0-1' } };
const EVENTS_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    type: { type: 'keyword' },
    productId: { type: 'keyword' },
    queryKey: { type: 'keyword' },
    sessionId: { type: 'keyword' },
    at: { type: 'date', format: 'epoch_millis' },
  },
};
const POPULARITY_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    productId: { type: 'keyword' },
    // null for a product's overall aggregate.
    queryKey: { type: 'keyword' },
    refMs: { type: 'double' },
    counts: {
      properties: {
        VIEW: { type: 'double' },
        CLICK: { type: 'double' },
        ADD_TO_CART: { type: 'double' },
        PURCHASE: { type: 'double' },
      },
    },
  },
};

interface AggregateSource {
  readonly productId: string;
  readonly queryKey: string | null;
  readonly refMs: number;
  readonly counts: DecayedCounts['counts'];
}

/** One aggregate to update: its document id and the events it gains. */
interface Update {
  readonly id: string;
  readonly productId: string;
  readonly queryKey: string | null;
  readonly events: readonly InteractionEvent[];
}

/** A fixed-length document id for any product id and query (ES ids are at most 512 bytes). */
function aggregateId(productId: string, queryKey: string | null): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([queryKey, productId]))
    .digest();
  return `${queryKey === null ? 'p' : 'q'}-${digest.toString('base64url')}`;
}

/** How often an aggregate update starts over when another instance changed it meanwhile. */
const UPDATE_ATTEMPTS = 8;

/**
 * Interactions on Elasticsearch, in two indices of their own under the configured prefix:
 * raw events (kept for audit and for rebuilding aggregates) and one aggregate document per
 * product and per (query key, product). Aggregates are read-modify-written here under
 * optimistic concurrency (`if_seq_no`, retried on conflict) rather than kept by scripted
 * upserts or computed by an aggregation at read time: the minimal distribution has no Painless,
 * and a read-time aggregation would cost one scan of a product's events per search, where an
 * aggregate costs one realtime `mget` of at most 2 x depth small documents. The decay is
 * domain/interaction.ts's, as on SQLite, so both backends hold the same numbers.
 *
 * Durability: Elasticsearch fsyncs its translog before acknowledging a write (the default
 * `index.translog.durability: request`), so a resolved `record` is durable. It is not atomic:
 * raw events are written first, then the aggregates; when the second step fails, the call
 * rejects and the raw events stay (not counted).
 */
export class ElasticsearchInteractionStore implements InteractionStore {
  readonly kind = 'elasticsearch';
  readonly names: { events: string; popularity: string };
  private readonly client: Client;
  private opened = false;
  /** The end of the last record() call: this instance's writes go one at a time. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: ElasticsearchInteractionStoreOptions,
    client?: Client,
  ) {
    if (!(options.halfLifeMs > 0)) {
      throw new TypeError(`halfLifeMs must be positive, got ${options.halfLifeMs}`);
    }
    this.names = interactionIndexNames(options.indexPrefix);
    this.client =
      client ??
      new Client({
        node: options.node,
        auth: options.auth,
        tls: options.ca === undefined ? undefined : { ca: options.ca },
        requestTimeout: options.requestTimeoutMs,
        maxRetries: 1,
      });
  }

  async open(): Promise<void> {
    if (this.opened) return;
    try {
      await this.ensure(this.names.events, EVENTS_MAPPINGS);
      await this.ensure(this.names.popularity, POPULARITY_MAPPINGS);
    } catch (error) {
      throw translateEsError(error, 'open interactions');
    }
    this.opened = true;
  }

  /**
   * One call at a time per instance (the feedback service sends one batch at a time anyway), so
   * only other instances can conflict on an aggregate, and a few rounds settle them.
   */
  record(events: readonly InteractionEvent[]): Promise<void> {
    const run = this.tail.then(() => this.recordNow(events));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async recordNow(events: readonly InteractionEvent[]): Promise<void> {
    this.checkOpen();
    if (events.length === 0) return;
    await this.writeEvents(events);
    const { byProduct, byQueryProduct } = groupEvents(events);
    let pending: Update[] = [
      ...[...byProduct].map(([productId, list]) => ({
        id: aggregateId(productId, null),
        productId,
        queryKey: null,
        events: list,
      })),
      ...[...byQueryProduct.values()].map((pair) => ({
        id: aggregateId(pair.productId, pair.queryKey),
        productId: pair.productId,
        queryKey: pair.queryKey,
        events: pair.events,
      })),
    ];
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS && pending.length > 0; attempt++) {
      pending = await this.updateAggregates(pending);
    }
    if (pending.length > 0) {
      throw new IndexUnavailableError(
        'Other writers kept changing the same popularity aggregates; retry later',
        { operation: 'record interactions', reason: 'CONFLICT', attempts: UPDATE_ATTEMPTS },
      );
    }
  }

  async popularity(
    productIds: readonly string[],
    queryKey: string | undefined,
  ): Promise<PopularityCounts> {
    this.checkOpen();
    const global = new Map<string, DecayedCounts>();
    const query = new Map<string, DecayedCounts>();
    if (productIds.length === 0) return { global, query };
    const ids = productIds.map((id) => aggregateId(id, null));
    if (queryKey !== undefined) ids.push(...productIds.map((id) => aggregateId(id, queryKey)));
    const found = await this.read(ids, 'read popularity');
    for (const { source } of found.values()) {
      const counts = { refMs: source.refMs, counts: source.counts };
      (source.queryKey === null ? global : query).set(source.productId, counts);
    }
    return { global, query };
  }

  async close(): Promise<void> {
    this.opened = false;
    await this.client.close();
  }

  private async ensure(index: string, mappings: estypes.MappingTypeMapping): Promise<void> {
    if (await this.client.indices.exists({ index })) return;
    try {
      await this.client.indices.create({ index, settings: SETTINGS, mappings });
    } catch (error) {
      // Another instance created it between our check and our create.
      const type = (error as { body?: { error?: { type?: string } } }).body?.error?.type;
      if (!(
        error instanceof esErrors.ResponseError && type === 'resource_already_exists_exception'
      )) {
        throw error;
      }
    }
  }

  private async writeEvents(events: readonly InteractionEvent[]): Promise<void> {
    const operations = events.flatMap((event) => [
      { create: { _index: this.names.events } },
      {
        type: event.type,
        productId: event.productId,
        queryKey: event.queryKey ?? null,
        sessionId: event.sessionId ?? null,
        at: event.atMs,
      },
    ]);
    let response: estypes.BulkResponse;
    try {
      response = await this.client.bulk({ operations, refresh: false });
    } catch (error) {
      throw translateEsError(error, 'record interactions');
    }
    if (!response.errors) return;
    const failed = response.items.find((item) => item.create?.error !== undefined)?.create;
    throw errorForStatus(failed?.status ?? 500, failed?.error ?? {}, 'record interactions');
  }

  /** One read-modify-write round; returns the updates that met a concurrent writer. */
  private async updateAggregates(updates: readonly Update[]): Promise<Update[]> {
    const { halfLifeMs } = this.options;
    const current = await this.read(
      updates.map((update) => update.id),
      'record interactions',
    );
    const operations = updates.flatMap((update) => {
      const existing = current.get(update.id);
      const previous =
        existing === undefined
          ? undefined
          : { refMs: existing.source.refMs, counts: existing.source.counts };
      const next = addEvents(previous, update.events, halfLifeMs);
      const source: AggregateSource = {
        productId: update.productId,
        queryKey: update.queryKey,
        refMs: next.refMs,
        counts: next.counts,
      };
      const action =
        existing === undefined
          ? { create: { _index: this.names.popularity, _id: update.id } }
          : {
              index: {
                _index: this.names.popularity,
                _id: update.id,
                if_seq_no: existing.seqNo,
                if_primary_term: existing.primaryTerm,
              },
            };
      return [action, source];
    });
    let response: estypes.BulkResponse;
    try {
      response = await this.client.bulk({ operations, refresh: false });
    } catch (error) {
      throw translateEsError(error, 'record interactions');
    }
    const retry: Update[] = [];
    response.items.forEach((item, i) => {
      const result = item.create ?? item.index;
      if (result?.error === undefined) return;
      if (result.status === 409) retry.push(updates[i] as Update);
      else throw errorForStatus(result.status, result.error, 'record interactions');
    });
    return retry;
  }

  /** Realtime mget: every acknowledged write is seen, refreshed or not. */
  private async read(
    ids: readonly string[],
    operation: string,
  ): Promise<Map<string, { source: AggregateSource; seqNo: number; primaryTerm: number }>> {
    let response: estypes.MgetResponse<AggregateSource>;
    try {
      response = await this.client.mget<AggregateSource>({
        index: this.names.popularity,
        ids: [...ids],
        realtime: true,
      });
    } catch (error) {
      throw translateEsError(error, operation);
    }
    const found = new Map<
      string,
      { source: AggregateSource; seqNo: number; primaryTerm: number }
    >();
    for (const doc of response.docs) {
      if ('error' in doc && doc.error !== undefined) {
        throw errorForStatus(500, doc.error, operation);
      }
      const hit = doc as estypes.GetGetResult<AggregateSource>;
      if (!hit.found || hit._source === undefined) continue;
      found.set(hit._id, {
        source: hit._source,
        seqNo: hit._seq_no ?? 0,
        primaryTerm: hit._primary_term ?? 0,
      });
    }
    return found;
  }

  private checkOpen(): void {
    if (!this.opened) {
      throw new IndexUnavailableError('The Elasticsearch interaction store is not open', {
        operation: 'interactions',
      });
    }
  }
}
