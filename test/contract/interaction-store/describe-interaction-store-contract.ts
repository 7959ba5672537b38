/**
 * The InteractionStore contract (see the port's invariants), defined once and run against the
 * SQLite and Elasticsearch adapters and the in-memory fake. Numbers are compared with the pure
 * decay of domain/interaction.ts, so every backend must hold the same aggregates.
 */
import type { InteractionEvent, InteractionType } from '../../../src/domain/interaction';
import { addEvents, countsAt } from '../../../src/domain/interaction';
import type { InteractionStore } from '../../../src/ports/interaction-store.port';
import { expectCode } from '../../helpers/expect-code';

export interface InteractionStoreHarness {
  /** A new, unopened store over fresh, empty storage, bound to this half-life. */
  create(halfLifeMs: number): Promise<InteractionStore>;
  /** Another unopened store over the storage of the latest create() (a restart, a 2nd instance). */
  reopen(halfLifeMs: number): Promise<InteractionStore>;
  /** Removes all storage made by create(); runs after each test, once stores are closed. */
  cleanup(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;
const HALF_LIFE = DAY;
const T0 = Date.UTC(2026, 0, 10, 12);

function event(
  type: InteractionType,
  productId: string,
  atMs: number,
  queryKey?: string,
): InteractionEvent {
  return { type, productId, atMs, queryKey, sessionId: 's-1' };
}

export function describeInteractionStoreContract(name: string, harness: InteractionStoreHarness) {
  describe(`InteractionStore contract: ${name}`, () => {
    const stores: InteractionStore[] = [];
    let store: InteractionStore;

    async function opened(made: Promise<InteractionStore>): Promise<InteractionStore> {
      const ready = await made;
      stores.push(ready);
      await ready.open();
      return ready;
    }

    beforeEach(async () => {
      store = await opened(harness.create(HALF_LIFE));
    });
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close();
      await harness.cleanup();
    });

    it('knows nothing of products without events', async () => {
      const read = await store.popularity(['a', 'b'], 'red');
      expect(read.global.size).toBe(0);
      expect(read.query.size).toBe(0);
      await store.record([]);
      expect((await store.popularity(['a'], undefined)).global.size).toBe(0);
    });

    it('decays each event by 0.5 per half-life, counted per type', async () => {
      await store.record([
        event('CLICK', 'a', T0),
        event('CLICK', 'a', T0 - HALF_LIFE),
        event('PURCHASE', 'a', T0 - 2 * HALF_LIFE),
        event('VIEW', 'b', T0 - HALF_LIFE),
      ]);
      const { global } = await store.popularity(['a', 'b', 'c'], undefined);
      expect([...global.keys()].sort()).toEqual(['a', 'b']);
      const a = countsAt(global.get('a')!, T0, HALF_LIFE);
      expect(a.CLICK).toBeCloseTo(1.5, 12);
      expect(a.PURCHASE).toBeCloseTo(0.25, 12);
      expect(a.VIEW).toBe(0);
      // Read a half-life later, everything counts half as much.
      const later = countsAt(global.get('b')!, T0 + HALF_LIFE, HALF_LIFE);
      expect(later.VIEW).toBeCloseTo(0.25, 12);
    });

    it('keeps per-query counts under the given key only, and every event in the global ones', async () => {
      await store.record([
        event('CLICK', 'a', T0, 'red shoes'),
        event('CLICK', 'a', T0, 'red shoes'),
        event('CLICK', 'a', T0, 'blue shoes'),
        event('CLICK', 'b', T0),
      ]);
      const red = await store.popularity(['a', 'b'], 'red shoes');
      expect(countsAt(red.query.get('a')!, T0, HALF_LIFE).CLICK).toBeCloseTo(2, 12);
      expect(red.query.has('b')).toBe(false);
      expect(countsAt(red.global.get('a')!, T0, HALF_LIFE).CLICK).toBeCloseTo(3, 12);
      const none = await store.popularity(['a'], undefined);
      expect(none.query.size).toBe(0);
      expect((await store.popularity(['a'], 'green')).query.size).toBe(0);
    });

    it('adds batches incrementally to the same numbers as one batch, out-of-order events included', async () => {
      const batches = [
        [event('VIEW', 'a', T0 - 3 * HALF_LIFE), event('CLICK', 'a', T0 - HALF_LIFE, 'q')],
        [event('ADD_TO_CART', 'a', T0, 'q')],
        [event('VIEW', 'a', T0 - 5 * HALF_LIFE, 'q'), event('CLICK', 'a', T0 - HALF_LIFE / 2)],
      ];
      for (const batch of batches) await store.record(batch);
      const all = batches.flat();
      const expected = countsAt(addEvents(undefined, all, HALF_LIFE), T0, HALF_LIFE);
      const { global, query } = await store.popularity(['a'], 'q');
      const actual = countsAt(global.get('a')!, T0, HALF_LIFE);
      for (const type of ['VIEW', 'CLICK', 'ADD_TO_CART', 'PURCHASE'] as const) {
        expect(actual[type]).toBeCloseTo(expected[type], 12);
      }
      const inQuery = countsAt(query.get('a')!, T0, HALF_LIFE);
      expect(inQuery.ADD_TO_CART).toBeCloseTo(1, 12);
      expect(inQuery.CLICK).toBeCloseTo(0.5, 12);
      expect(inQuery.VIEW).toBeCloseTo(0.5 ** 5, 12);
    });

    it('keeps any product id and query text as given', async () => {
      const odd = ['sku "quoted"', 'ünïcödé/😀', 'x'.repeat(600), 'comma,and space'];
      await store.record(odd.map((id) => event('CLICK', id, T0, `q ${'y'.repeat(300)}`)));
      const { global, query } = await store.popularity([...odd, 'x'], `q ${'y'.repeat(300)}`);
      expect([...global.keys()].sort()).toEqual([...odd].sort());
      expect([...query.keys()].sort()).toEqual([...odd].sort());
    });

    it('is durable: a store reopened on the same storage sees every recorded event', async () => {
      await store.record([event('PURCHASE', 'a', T0, 'q')]);
      await store.close();
      const again = await opened(harness.reopen(HALF_LIFE));
      const { global, query } = await again.popularity(['a'], 'q');
      expect(countsAt(global.get('a')!, T0, HALF_LIFE).PURCHASE).toBeCloseTo(1, 12);
      expect(countsAt(query.get('a')!, T0, HALF_LIFE).PURCHASE).toBeCloseTo(1, 12);
    });

    it('loses no event when two instances write the same aggregates at once', async () => {
      const other = await opened(harness.reopen(HALF_LIFE));
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 10; i++) {
        writes.push(store.record([event('CLICK', 'a', T0, 'q')]));
        writes.push(other.record([event('CLICK', 'a', T0, 'q')]));
      }
      await Promise.all(writes);
      const { global, query } = await store.popularity(['a'], 'q');
      expect(countsAt(global.get('a')!, T0, HALF_LIFE).CLICK).toBeCloseTo(20, 9);
      expect(countsAt(query.get('a')!, T0, HALF_LIFE).CLICK).toBeCloseTo(20, 9);
    });

    it('answers INDEX_UNAVAILABLE once closed', async () => {
      await store.close();
      await expectCode(store.popularity(['a'], undefined), 'INDEX_UNAVAILABLE');
      await expectCode(store.record([event('VIEW', 'a', T0)]), 'INDEX_UNAVAILABLE');
    });
  });
}
