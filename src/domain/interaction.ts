/**
 * Shopper interactions and their time-decayed counts (the feedback loop). Pure: every backend
 * and the in-memory fake keep their aggregates with these functions, so popularity is the same
 * number whichever backend holds it.
 *
 * A product's (or a (query, product) pair's) aggregate is, per interaction type, the decayed
 * count  sum over its events of 0.5^((refMs - atMs) / halfLifeMs), stored together with the
 * reference time `refMs` it is decayed to. Adding events moves the reference to the latest of
 * the old reference and the events' times (older events are decayed into it), so the stored
 * numbers never grow past the plain event count and never underflow while events keep coming.
 * Read at `nowMs`, every count is multiplied by 0.5^((nowMs - refMs) / halfLifeMs).
 */

export const INTERACTION_TYPES = ['VIEW', 'CLICK', 'ADD_TO_CART', 'PURCHASE'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

/** One validated event, as stored. */
export interface InteractionEvent {
  readonly type: InteractionType;
  readonly productId: string;
  /** The normalised search text the shopper came from (normaliseQueryKey), when there was one. */
  readonly queryKey: string | undefined;
  readonly sessionId: string | undefined;
  /** Milliseconds since the epoch. */
  readonly atMs: number;
}

/** Decayed event counts per type, at `refMs`. */
export interface DecayedCounts {
  readonly refMs: number;
  readonly counts: Readonly<Record<InteractionType, number>>;
}

/** What the store knows about some products: decayed counts overall and for one query. */
export interface PopularityCounts {
  /** By product id; absent when the product has no events. */
  readonly global: ReadonlyMap<string, DecayedCounts>;
  /** By product id, for the asked query key only; empty when no key was asked. */
  readonly query: ReadonlyMap<string, DecayedCounts>;
}

/** The fraction an event of age `ageMs` still counts for; 1 for events from the future. */
function decayFactor(ageMs: number, halfLifeMs: number): number {
  return ageMs <= 0 ? 1 : 0.5 ** (ageMs / halfLifeMs);
}

const ZERO: Readonly<Record<InteractionType, number>> = Object.freeze({
  VIEW: 0,
  CLICK: 0,
  ADD_TO_CART: 0,
  PURCHASE: 0,
});

/**
 * `previous` (undefined: no events yet) plus `events`, decayed to the latest time among the
 * previous reference and the events. Events are added in the order given.
 */
export function addEvents(
  previous: DecayedCounts | undefined,
  events: readonly Pick<InteractionEvent, 'type' | 'atMs'>[],
  halfLifeMs: number,
): DecayedCounts {
  let refMs = previous?.refMs ?? -Infinity;
  for (const event of events) refMs = Math.max(refMs, event.atMs);
  const counts = { ...ZERO };
  if (previous !== undefined) {
    const keep = decayFactor(refMs - previous.refMs, halfLifeMs);
    for (const type of INTERACTION_TYPES) counts[type] = previous.counts[type] * keep;
  }
  for (const event of events) counts[event.type] += decayFactor(refMs - event.atMs, halfLifeMs);
  return { refMs, counts };
}

/** The counts decayed to `nowMs` (never grown: a reference in the future counts as now). */
export function countsAt(
  aggregate: DecayedCounts,
  nowMs: number,
  halfLifeMs: number,
): Record<InteractionType, number> {
  const keep = decayFactor(nowMs - aggregate.refMs, halfLifeMs);
  const counts = { ...ZERO };
  for (const type of INTERACTION_TYPES) counts[type] = aggregate.counts[type] * keep;
  return counts;
}

/**
 * The key per-query popularity is kept under: the search text trimmed, lower-cased (locale
 * independent), with every run of white space made one space. "  Red  Shoes" -> "red shoes".
 */
export function normaliseQueryKey(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Events grouped by the aggregate they update: per product, and per (query key, product). */
export function groupEvents(events: readonly InteractionEvent[]): {
  byProduct: Map<string, InteractionEvent[]>;
  byQueryProduct: Map<string, { queryKey: string; productId: string; events: InteractionEvent[] }>;
} {
  const byProduct = new Map<string, InteractionEvent[]>();
  const byQueryProduct = new Map<
    string,
    { queryKey: string; productId: string; events: InteractionEvent[] }
  >();
  for (const event of events) {
    const list = byProduct.get(event.productId) ?? [];
    list.push(event);
    byProduct.set(event.productId, list);
    if (event.queryKey === undefined) continue;
    const key = JSON.stringify([event.queryKey, event.productId]);
    const pair = byQueryProduct.get(key) ?? {
      queryKey: event.queryKey,
      productId: event.productId,
      events: [],
    };
    pair.events.push(event);
    byQueryProduct.set(key, pair);
  }
  return { byProduct, byQueryProduct };
}
