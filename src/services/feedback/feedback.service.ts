import { LRUCache } from 'lru-cache';
import type { InteractionEvent, InteractionType } from '../../domain/interaction';
import { normaliseQueryKey } from '../../domain/interaction';
import { isAppError, NotFoundError } from '../../errors/app-error';
import type { InteractionStore } from '../../ports/interaction-store.port';
import type { ProductIndex } from '../../ports/product-index.port';
import type { GroupCommitLimits } from './group-commit';
import { GroupCommit } from './group-commit';
import type { InteractionInput, InteractionLimits } from './interaction-input';
import { toEvents } from './interaction-input';
import type { PopularityFormula } from './popularity';
import { popularityOf } from './popularity';

export type { InteractionInput } from './interaction-input';

/** Everything the feedback loop is told by config (`config.interactions`). */
export interface FeedbackSettings extends InteractionLimits, PopularityFormula {
  readonly writes: GroupCommitLimits;
  /**
   * Product ids recently found in the catalog, kept so a stream of events on the same products
   * does not read them again and again: how many, and for how long (ms). A product deleted
   * meanwhile may still receive events until its entry expires (harmless: popularity is only
   * read for products a search found).
   */
  readonly knownProducts: { readonly max: number; readonly ttlMs: number };
}

/** Told about every batch (metrics.ts implements it for /metrics). */
export interface FeedbackObserver {
  /** Events stored, by type. */
  recorded(type: InteractionType, count: number): void;
  /** Events of a refused batch; `code` is the error's code. */
  refused(code: string, count: number): void;
  /** One store write of `events` events from `requests` requests. */
  write(events: number, requests: number): void;
}

const SILENT: FeedbackObserver = { recorded() {}, refused() {}, write() {} };

/**
 * The feedback loop's policy: validates shopper interactions, writes them through group commit
 * (bounded queue, one write in flight), and turns stored counts into popularity for ranking.
 * A refused batch writes nothing; `record` resolves once its events are durable.
 */
export class FeedbackService {
  private readonly writer: GroupCommit<InteractionEvent>;
  private readonly observer: FeedbackObserver;
  private readonly now: () => number;
  private readonly known: LRUCache<string, true>;

  constructor(
    private readonly store: InteractionStore,
    private readonly index: Pick<ProductIndex, 'getMany'>,
    private readonly settings: FeedbackSettings,
    options: { observer?: FeedbackObserver; now?: () => number } = {},
  ) {
    this.observer = options.observer ?? SILENT;
    this.now = options.now ?? Date.now;
    this.known = new LRUCache<string, true>({
      max: settings.knownProducts.max,
      ttl: settings.knownProducts.ttlMs,
    });
    this.writer = new GroupCommit((events, requests) => {
      this.observer.write(events.length, requests);
      return this.store.record(events);
    }, settings.writes);
  }

  async record(inputs: readonly InteractionInput[]): Promise<{ recorded: number }> {
    try {
      const events = toEvents(inputs, this.settings, this.now());
      await this.checkProductsExist(events);
      if (events.length === 0) return { recorded: 0 };
      await this.writer.submit(events);
      for (const [type, count] of countByType(events)) this.observer.recorded(type, count);
      return { recorded: events.length };
    } catch (error) {
      this.observer.refused(
        isAppError(error) ? error.code : 'INTERNAL_SERVER_ERROR',
        inputs.length,
      );
      throw error;
    }
  }

  /**
   * Popularity in [0, 1) of each product (popularity.ts), blending in the per-query counts of
   * `queryText` (normalised) when given. Products without events are absent (popularity 0).
   */
  async popularity(
    productIds: readonly string[],
    queryText: string | undefined,
  ): Promise<Map<string, number>> {
    const key = queryText === undefined ? undefined : normaliseQueryKey(queryText);
    const queryKey = key === '' ? undefined : key;
    const counts = await this.store.popularity(productIds, queryKey);
    const nowMs = this.now();
    const scores = new Map<string, number>();
    for (const id of productIds) {
      const global = counts.global.get(id);
      if (global === undefined) continue;
      const pop = popularityOf(
        global,
        counts.query.get(id),
        queryKey !== undefined,
        nowMs,
        this.settings,
      );
      if (pop > 0) scores.set(id, pop);
    }
    return scores;
  }

  /** NOT_FOUND naming the first event whose product is not in the catalog. */
  private async checkProductsExist(events: readonly InteractionEvent[]): Promise<void> {
    const ids = [...new Set(events.map((event) => event.productId))].filter(
      (id) => !this.known.has(id),
    );
    if (ids.length === 0) return;
    const products = await this.index.getMany(ids);
    const missing = new Set(ids.filter((_, i) => products[i] === null));
    for (const id of ids) if (!missing.has(id)) this.known.set(id, true);
    if (missing.size === 0) return;
    const at = events.findIndex((event) => missing.has(event.productId));
    const productId = events[at]?.productId;
    throw new NotFoundError(`No product with id ${productId}`, {
      argument: `events.${at}.productId`,
      productId,
    });
  }
}

function countByType(events: readonly InteractionEvent[]): Map<InteractionType, number> {
  const counts = new Map<InteractionType, number>();
  for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  return counts;
}
