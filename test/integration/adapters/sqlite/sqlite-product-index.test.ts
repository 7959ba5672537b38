// Embedded-only behaviour the shared contract cannot ask of every backend. Uses a temp dir.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  CATALOG_FILE,
  SqliteProductIndex,
} from '../../../../src/adapters/sqlite/sqlite-product-index';
import { expectCode } from '../../../helpers/expect-code';
import { axisVector, expectedProduct, makeProduct } from '../../../helpers/product-fixtures';

const binding = { modelId: 'unit-model', dims: 4 };
const q = axisVector(4, 0);
let dataDir: string;
const open: SqliteProductIndex[] = [];

async function start(options: Partial<ConstructorParameters<typeof SqliteProductIndex>[0]> = {}) {
  const index = new SqliteProductIndex({ dataDir, binding, ...options });
  open.push(index);
  await index.open();
  return index;
}

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sqlite-unit-'));
});

afterEach(async () => {
  for (const index of open.splice(0)) await index.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('SqliteProductIndex', () => {
  it('checks its options with a TypeError', () => {
    expect(() => new SqliteProductIndex({ dataDir: '', binding })).toThrow(TypeError);
    expect(() => new SqliteProductIndex({ dataDir, binding: { ...binding, dims: 0 } })).toThrow(
      TypeError,
    );
    expect(() => new SqliteProductIndex({ dataDir, binding: { ...binding, modelId: '' } })).toThrow(
      TypeError,
    );
  });

  it('uses WAL, synchronous=FULL and the catalog file', async () => {
    await start();
    const db = new Database(path.join(dataDir, CATALOG_FILE), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('page_size', { simple: true })).toBe(16384);
    } finally {
      db.close();
    }
  });

  it('refuses a catalog built by another model with the same dims, with details', async () => {
    await (await start()).close();
    const other = new SqliteProductIndex({ dataDir, binding: { ...binding, modelId: 'other' } });
    const error = await expectCode(other.open(), 'MODEL_MISMATCH');
    expect(error.details).toEqual({
      expectedModelId: 'unit-model',
      expectedDims: 4,
      actualModelId: 'other',
      actualDims: 4,
    });
    await expect(other.ping()).rejects.toMatchObject({ code: 'INDEX_UNAVAILABLE' });
  });

  it('refuses a catalog of other dims with DIMENSION_MISMATCH, whatever the model', async () => {
    await (await start()).close();
    for (const modelId of [binding.modelId, 'other']) {
      const other = new SqliteProductIndex({ dataDir, binding: { modelId, dims: 8 } });
      const error = await expectCode(other.open(), 'DIMENSION_MISMATCH');
      expect(error.details).toMatchObject({ expectedDims: 4, actualDims: 8 });
    }
  });

  it('rolls back an upsert that fails half-way', async () => {
    const index = await start();
    const doc = makeProduct({ id: 'p', title: 'old words', vectors: [q] });
    await index.upsert(doc);
    // Two images at one position: the product row is rewritten before the second insert fails.
    const broken = makeProduct({ id: 'p', title: 'new words', vectors: [q, q] });
    const bad = { ...broken, images: broken.images.map((image) => ({ ...image, position: 0 })) };
    await expectCode(index.upsert(bad), 'BAD_USER_INPUT');
    expect(await index.getMany(['p'])).toEqual([expectedProduct(doc)]);
    expect((await index.searchKeyword({ text: 'old', filter: {}, k: 5 })).length).toBe(1);
    expect(await index.searchKeyword({ text: 'new', filter: {}, k: 5 })).toEqual([]);
  });

  it('rolls back only the refused document of an upsertMany, in one transaction', async () => {
    const index = await start();
    const doc = makeProduct({ id: 'p', title: 'old words', vectors: [q] });
    await index.upsert(doc);
    const broken = makeProduct({ id: 'p', title: 'new words', vectors: [q, q] });
    const bad = { ...broken, images: broken.images.map((image) => ({ ...image, position: 0 })) };
    const before = makeProduct({ id: 'a', title: 'first', vectors: [q] });
    const after = makeProduct({ id: 'b', title: 'last', vectors: [q] });
    const outcomes = await index.upsertMany([before, bad, after]);
    expect(outcomes.map((outcome) => outcome?.code ?? null)).toEqual([
      null,
      'BAD_USER_INPUT',
      null,
    ]);
    expect(await index.getMany(['a', 'p', 'b'])).toEqual([before, doc, after].map(expectedProduct));
    expect(await index.searchKeyword({ text: 'new', filter: {}, k: 5 })).toEqual([]);
    expect((await index.searchKeyword({ text: 'first last', filter: {}, k: 5 })).length).toBe(2);
  });

  it('fails a whole upsertMany when the write lock cannot be had, writing nothing', async () => {
    const index = await start({ busyTimeoutMs: 20 });
    const rival = new Database(path.join(dataDir, CATALOG_FILE));
    try {
      rival.prepare('BEGIN IMMEDIATE').run();
      const docs = ['x', 'y'].map((id) => makeProduct({ id, vectors: [q] }));
      await expectCode(index.upsertMany(docs), 'INDEX_UNAVAILABLE');
    } finally {
      rival.close();
    }
    expect(await index.getMany(['x', 'y'])).toEqual([null, null]);
  });

  it('names the lowest position among equally similar images of one product', async () => {
    const index = await start();
    await index.upsert(makeProduct({ id: 'p', vectors: [axisVector(4, 1), q, q] }));
    const hits = await index.searchVector({ vector: q, filter: {}, k: 1 });
    expect(hits.map((h) => h.imageId)).toEqual(['p#1']);
  });

  it('folds diacritics and case in keyword search', async () => {
    const index = await start();
    await index.upsert(makeProduct({ id: 'c', title: 'Café crème', vectors: [q] }));
    const hits = await index.searchKeyword({ text: 'CAFE creme', filter: {}, k: 5 });
    expect(hits.map((h) => h.productId)).toEqual(['c']);
    expect(hits[0]!.score).toBeGreaterThan(0);
  });

  it('reports a write lock held past the busy timeout as INDEX_UNAVAILABLE', async () => {
    const index = await start({ busyTimeoutMs: 20 });
    const rival = new Database(path.join(dataDir, CATALOG_FILE));
    try {
      rival.prepare('BEGIN IMMEDIATE').run();
      const error = await expectCode(
        index.upsert(makeProduct({ id: 'x', vectors: [q] })),
        'INDEX_UNAVAILABLE',
      );
      expect(error.details.reason).toBe('SQLITE_BUSY');
      // Readers are not blocked by the writer under WAL.
      expect(await index.getMany(['x'])).toEqual([null]);
    } finally {
      rival.close();
    }
  });

  it('reports an unusable data directory as INDEX_UNAVAILABLE', async () => {
    const file = path.join(dataDir, 'not-a-dir');
    await fs.writeFile(file, 'x');
    const index = new SqliteProductIndex({ dataDir: file, binding });
    await expectCode(index.open(), 'INDEX_UNAVAILABLE');
  });

  it('reports a file that is not a database as INDEX_UNAVAILABLE', async () => {
    await fs.writeFile(path.join(dataDir, CATALOG_FILE), 'definitely not sqlite '.repeat(100));
    const error = await expectCode(
      new SqliteProductIndex({ dataDir, binding }).open(),
      'INDEX_UNAVAILABLE',
    );
    expect(error.details.reason).toBe('SQLITE_NOTADB');
  });
});
