import type { Product } from '../../../../src/domain/product';
import { DEFAULTS } from '../../../../src/config/defaults';
import type {
  FeedbackObserver,
  FeedbackSettings,
  InteractionInput,
} from '../../../../src/services/feedback/feedback.service';
import { FeedbackService } from '../../../../src/services/feedback/feedback.service';
import { InMemoryInteractionStore } from '../../../fakes/in-memory-interaction-store';
import { expectCode } from '../../../helpers/expect-code';

const NOW = Date.UTC(2026, 5, 1, 12);
const HOUR = 3_600_000;
const { halfLifeDays: _h, sqliteFileName: _f, ...fixed } = DEFAULTS.interactions;

function settings(overrides: Partial<FeedbackSettings> = {}): FeedbackSettings {
  return { ...fixed, halfLifeMs: 168 * HOUR, ...overrides };
}

/** getMany over a fixed set of ids, counting its calls. */
function catalog(...ids: string[]) {
  const known = new Set(ids);
  const calls: string[][] = [];
  return {
    calls,
    getMany: async (asked: readonly string[]) => {
      calls.push([...asked]);
      return asked.map((id) => (known.has(id) ? ({ id } as Product) : null));
    },
  };
}

function recordingObserver() {
  const seen = {
    recorded: new Map<string, number>(),
    refused: new Map<string, number>(),
    writes: 0,
  };
  const observer: FeedbackObserver = {
    recorded: (type, n) => seen.recorded.set(type, (seen.recorded.get(type) ?? 0) + n),
    refused: (code, n) => seen.refused.set(code, (seen.refused.get(code) ?? 0) + n),
    write: () => (seen.writes += 1),
  };
  return { seen, observer };
}

async function setup(overrides: Partial<FeedbackSettings> = {}) {
  const store = new InMemoryInteractionStore(settings(overrides).halfLifeMs);
  await store.open();
  const index = catalog('a', 'b', 'c');
  const { seen, observer } = recordingObserver();
  const service = new FeedbackService(store, index, settings(overrides), {
    observer,
    now: () => NOW,
  });
  return { store, index, seen, service };
}

const click = (productId: string, extra: Partial<InteractionInput> = {}): InteractionInput => ({
  type: 'CLICK',
  productId,
  ...extra,
});

describe('FeedbackService.record: validation (a refused batch writes nothing)', () => {
  it.each<[string, InteractionInput[], string, Record<string, unknown>]>([
    [
      'an event in the future beyond the skew',
      [click('a'), click('b', { at: new Date(NOW + 61_000) })],
      'BAD_USER_INPUT',
      { argument: 'events.1.at', reason: 'FUTURE_TIMESTAMP' },
    ],
    [
      'a query longer than the limit',
      [click('a', { query: 'x'.repeat(1001) })],
      'BAD_USER_INPUT',
      { argument: 'events.0.query', reason: 'QUERY_TOO_LONG', max: 1000 },
    ],
    [
      'a session id longer than the limit',
      [click('a', { sessionId: 's'.repeat(201) })],
      'BAD_USER_INPUT',
      { argument: 'events.0.sessionId', reason: 'SESSION_ID_TOO_LONG', max: 200 },
    ],
    [
      'an empty product id',
      [click('')],
      'BAD_USER_INPUT',
      { argument: 'events.0.productId', reason: 'BAD_PRODUCT_ID' },
    ],
    [
      'a product the catalog does not hold',
      [click('a'), click('b'), click('nope'), click('nope')],
      'NOT_FOUND',
      { argument: 'events.2.productId', productId: 'nope' },
    ],
  ])('refuses %s', async (_name, events, code, details) => {
    const { store, seen, service } = await setup();
    const error = await expectCode(service.record(events), code as 'BAD_USER_INPUT');
    expect(error.details).toMatchObject(details);
    expect(store.writes).toEqual([]);
    expect(seen.refused.get(code)).toBe(events.length);
  });

  it('refuses an oversized batch before reading the catalog', async () => {
    const { store, index, service } = await setup({ maxBatch: 3 });
    const error = await expectCode(
      service.record([click('a'), click('a'), click('a'), click('a')]),
      'BAD_USER_INPUT',
    );
    expect(error.details).toMatchObject({ argument: 'events', reason: 'BATCH_TOO_LARGE', max: 3 });
    expect(index.calls).toEqual([]);
    expect(store.writes).toEqual([]);
  });

  it('accepts a little clock skew, defaults `at` to now and normalises the query', async () => {
    const { store, index, seen, service } = await setup();
    const result = await service.record([
      click('a', { at: new Date(NOW + 59_000), query: '  Red   SHOES ' }),
      { type: 'PURCHASE', productId: 'b', sessionId: 'sess-1', query: '   ' },
    ]);
    expect(result).toEqual({ recorded: 2 });
    expect(index.calls).toEqual([['a', 'b']]);
    expect(store.writes).toEqual([
      [
        {
          type: 'CLICK',
          productId: 'a',
          queryKey: 'red shoes',
          sessionId: undefined,
          atMs: NOW + 59_000,
        },
        { type: 'PURCHASE', productId: 'b', queryKey: undefined, sessionId: 'sess-1', atMs: NOW },
      ],
    ]);
    expect(Object.fromEntries(seen.recorded)).toEqual({ CLICK: 1, PURCHASE: 1 });
  });

  it('reads the catalog only for products it has not seen lately; unknown ones every time', async () => {
    const { index, service } = await setup();
    await service.record([click('a'), click('b')]);
    await service.record([click('a'), click('c'), click('b')]);
    await expectCode(service.record([click('a'), click('zz')]), 'NOT_FOUND');
    await expectCode(service.record([click('zz')]), 'NOT_FOUND');
    expect(index.calls).toEqual([['a', 'b'], ['c'], ['zz'], ['zz']]);
  });

  it('records an empty batch as 0 events without a write', async () => {
    const { store, service } = await setup();
    await expect(service.record([])).resolves.toEqual({ recorded: 0 });
    expect(store.writes).toEqual([]);
  });
});

describe('FeedbackService.record: group commit', () => {
  it('writes N concurrent requests in fewer writes, each resolving once written', async () => {
    const { store, seen, service } = await setup({
      writes: { ...fixed.writes, lingerMs: 0 },
    });
    let release!: () => void;
    store.hold = new Promise((resolve) => (release = resolve));
    const done: number[] = [];
    const requests = Array.from({ length: 20 }, (_, i) =>
      service.record([click('a', { query: `q${i}` })]).then(() => done.push(i)),
    );
    // Every request passes validation and queues behind the held first write.
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.writes).toEqual([]);
    expect(done).toEqual([]);
    release();
    store.hold = undefined;
    await Promise.all(requests);
    // The first request's write, then one write for the 19 that queued behind it.
    expect(store.writes.map((write) => write.length)).toEqual([1, 19]);
    expect(store.data.events).toHaveLength(20);
    expect(seen.writes).toBe(2);
  });

  it('refuses with OVERLOADED once the queue is full, writing nothing of the refused request', async () => {
    const { store, seen, service } = await setup({
      maxBatch: 5,
      writes: { maxQueued: 5, maxWrite: 5, lingerMs: 0 },
    });
    let release!: () => void;
    store.hold = new Promise((resolve) => (release = resolve));
    const inFlight = service.record([click('a')]);
    await new Promise((resolve) => setImmediate(resolve));
    const queued = service.record([click('b'), click('b'), click('b'), click('b')]);
    await new Promise((resolve) => setImmediate(resolve));
    const refused = await expectCode(service.record([click('c'), click('c')]), 'OVERLOADED');
    expect(refused.details).toMatchObject({ maxQueued: 5 });
    expect(seen.refused.get('OVERLOADED')).toBe(2);
    release();
    store.hold = undefined;
    await Promise.all([inFlight, queued]);
    expect(store.data.events.map((e) => e.productId)).toEqual(['a', 'b', 'b', 'b', 'b']);
  });

  it('fails the requests of a failed write with the store error', async () => {
    const { store, service } = await setup();
    store.failNext = Object.assign(new Error('down'), {});
    await expect(service.record([click('a')])).rejects.toThrow('down');
    await expect(service.record([click('a')])).resolves.toEqual({ recorded: 1 });
  });
});

describe('FeedbackService.popularity', () => {
  it('is x / (x + saturation) over weighted decayed counts, blending the query share', async () => {
    const { service } = await setup();
    // a: 5 clicks for "red", now (weight 2 each): G = Q = 10.
    await service.record(Array.from({ length: 5 }, () => click('a', { query: 'Red' })));
    // b: one purchase a half-life ago, no query: G = 10 * 0.5 = 5, Q = 0.
    await service.record([{ type: 'PURCHASE', productId: 'b', at: new Date(NOW - 168 * HOUR) }]);
    const global = await service.popularity(['a', 'b', 'c'], undefined);
    expect(global.get('a')).toBeCloseTo(10 / 20, 12);
    expect(global.get('b')).toBeCloseTo(5 / 15, 12);
    expect(global.has('c')).toBe(false);
    const red = await service.popularity(['a', 'b'], ' red ');
    expect(red.get('a')).toBeCloseTo(10 / 20, 12);
    // x = 0.25 * 5 + 0.75 * 0
    expect(red.get('b')).toBeCloseTo(1.25 / 11.25, 12);
    const blue = await service.popularity(['a'], 'blue');
    expect(blue.get('a')).toBeCloseTo(2.5 / 12.5, 12);
  });
});
