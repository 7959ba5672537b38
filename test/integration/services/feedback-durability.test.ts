/**
 * The feedback service over the real SQLite store: what `record` acknowledged is on disk, so a
 * new store instance on the same file (a restart) ranks with it.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SqliteInteractionStore } from '../../../src/adapters/sqlite/sqlite-interaction-store';
import { DEFAULTS } from '../../../src/config/defaults';
import type { Product } from '../../../src/domain/product';
import { FeedbackService } from '../../../src/services/feedback/feedback.service';

const { halfLifeDays, sqliteFileName, ...fixed } = DEFAULTS.interactions;
const settings = { ...fixed, halfLifeMs: halfLifeDays * 86_400_000 };
const catalog = { getMany: async (ids: readonly string[]) => ids.map((id) => ({ id }) as Product) };

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'feedback-durability-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

it('sees every acknowledged event after a restart on the same file', async () => {
  const file = path.join(dir, sqliteFileName);
  const first = new SqliteInteractionStore({ file, halfLifeMs: settings.halfLifeMs });
  await first.open();
  const service = new FeedbackService(first, catalog, settings);
  await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      service.record([{ type: 'CLICK', productId: `p${i % 3}`, query: 'Red shoes' }]),
    ),
  );
  const before = await service.popularity(['p0', 'p1', 'p2'], 'red shoes');
  await first.close();

  const second = new SqliteInteractionStore({ file, halfLifeMs: settings.halfLifeMs });
  await second.open();
  try {
    const after = await new FeedbackService(second, catalog, settings).popularity(
      ['p0', 'p1', 'p2'],
      'red shoes',
    );
    expect([...after.keys()].sort()).toEqual(['p0', 'p1', 'p2']);
    for (const id of ['p0', 'p1', 'p2']) {
      // 4 clicks each, a moment apart: x ~ 8, pop ~ 8 / 18.
      expect(after.get(id)).toBeCloseTo(8 / 18, 4);
      expect(after.get(id)).toBeLessThanOrEqual(before.get(id) as number);
    }
  } finally {
    await second.close();
  }
});
