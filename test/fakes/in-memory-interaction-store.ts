import type {
  DecayedCounts,
  InteractionEvent,
  PopularityCounts,
} from '../../src/domain/interaction';
import { addEvents, groupEvents } from '../../src/domain/interaction';
import { IndexUnavailableError } from '../../src/errors/app-error';
import type { InteractionStore } from '../../src/ports/interaction-store.port';

/** What survives close() and reopen: hand the same data to a new store to "restart" it. */
export class InMemoryInteractionData {
  readonly events: InteractionEvent[] = [];
  readonly byProduct = new Map<string, DecayedCounts>();
  readonly byQueryProduct = new Map<string, DecayedCounts>();
}

const pairKey = (queryKey: string, productId: string) => JSON.stringify([queryKey, productId]);

/**
 * The InteractionStore in memory, passing the same contract as the real adapters. It records
 * every `record` call (`writes`), so service tests can count the writes group commit made, and
 * `failNext` / `hold` let them fail or delay a write.
 */
export class InMemoryInteractionStore implements InteractionStore {
  readonly kind = 'in-memory';
  /** The batches written, in order. */
  readonly writes: InteractionEvent[][] = [];
  /** The next record() rejects with this error (then it is cleared). */
  failNext: Error | undefined;
  /** While set, record() waits for it before writing. */
  hold: Promise<void> | undefined;
  private isOpen = false;

  constructor(
    private readonly halfLifeMs: number,
    readonly data: InMemoryInteractionData = new InMemoryInteractionData(),
  ) {}

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async record(events: readonly InteractionEvent[]): Promise<void> {
    this.check();
    if (events.length === 0) return;
    if (this.hold !== undefined) await this.hold;
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure !== undefined) throw failure;
    this.writes.push([...events]);
    const { byProduct, byQueryProduct } = groupEvents(events);
    const { data, halfLifeMs } = this;
    data.events.push(...events);
    for (const [productId, list] of byProduct) {
      data.byProduct.set(productId, addEvents(data.byProduct.get(productId), list, halfLifeMs));
    }
    for (const { queryKey, productId, events: list } of byQueryProduct.values()) {
      const key = pairKey(queryKey, productId);
      data.byQueryProduct.set(key, addEvents(data.byQueryProduct.get(key), list, halfLifeMs));
    }
  }

  async popularity(
    productIds: readonly string[],
    queryKey: string | undefined,
  ): Promise<PopularityCounts> {
    this.check();
    const global = new Map<string, DecayedCounts>();
    const query = new Map<string, DecayedCounts>();
    for (const id of productIds) {
      const overall = this.data.byProduct.get(id);
      if (overall !== undefined) global.set(id, overall);
      if (queryKey === undefined) continue;
      const pair = this.data.byQueryProduct.get(pairKey(queryKey, id));
      if (pair !== undefined) query.set(id, pair);
    }
    return { global, query };
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  private check(): void {
    if (!this.isOpen) throw new IndexUnavailableError('The interaction store is not open');
  }
}
