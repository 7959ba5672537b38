import type Database from 'better-sqlite3';
import type { ProductIndexBinding } from '../../ports/product-index.port';
import { DimensionMismatchError, ModelMismatchError } from '../../errors/app-error';

/**
 * Schema migrations, applied in order; PRAGMA user_version records how many ran.
 * Append new steps, never edit a released one: existing catalog files replay only the tail.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  -- pk is the join key for images, tags and the FTS rowid; id is the catalog's SKU.
  CREATE TABLE products (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    price REAL NOT NULL,
    currency TEXT NOT NULL,
    -- tags as given (order kept) for read-back; product_tags serves the filters.
    tags_json TEXT NOT NULL,
    in_stock INTEGER NOT NULL,
    model_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX products_by_category ON products (category, price);
  CREATE TABLE product_tags (
    product_pk INTEGER NOT NULL REFERENCES products (pk) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (product_pk, tag)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX product_tags_by_tag ON product_tags (tag, product_pk);
  CREATE TABLE images (
    product_pk INTEGER NOT NULL REFERENCES products (pk) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    id TEXT NOT NULL,
    url TEXT,
    filename TEXT,
    content_sha256 TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    -- float32 little-endian, the layout sqlite-vec reads.
    vector BLOB NOT NULL,
    PRIMARY KEY (product_pk, position)
  ) STRICT;
  CREATE VIRTUAL TABLE products_fts USING fts5 (
    title, description, tokenize = 'unicode61 remove_diacritics 2'
  );
  `,
  `
  -- findVectorsBySha256: never embed the same photo twice, and the photo store's reference check.
  CREATE INDEX images_by_sha256 ON images (content_sha256);
  `,
];

/**
 * Connection settings: WAL so readers never block the writer, FULL so a commit is on disk.
 * page_size only takes effect on a new file: 16 KiB pages hold seven 512-dim image rows where
 * 4 KiB pages hold one, which roughly halves the bytes the kNN scan reads.
 */
export function configureConnection(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
}

export function migrate(db: Database.Database): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let step = applied; step < MIGRATIONS.length; step++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[step] as string);
      db.pragma(`user_version = ${step + 1}`);
    }).immediate();
  }
}

/**
 * Binds an empty catalog to the model, or checks that an existing one was built by it.
 * Vectors of different models live in different spaces, so a different model id is refused
 * even when its dims happen to match.
 */
export function checkBinding(db: Database.Database, binding: ProductIndexBinding): void {
  db.transaction(() => {
    const rows = db.prepare('SELECT key, value FROM meta').all() as Array<{
      key: string;
      value: string;
    }>;
    const meta = new Map(rows.map((row) => [row.key, row.value]));
    const modelId = meta.get('model_id');
    const dims = meta.get('dims');
    if (modelId === undefined || dims === undefined) {
      const insert = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      insert.run('model_id', binding.modelId);
      insert.run('dims', String(binding.dims));
      return;
    }
    if (Number(dims) === binding.dims && modelId === binding.modelId) return;
    const details = {
      expectedModelId: modelId,
      expectedDims: Number(dims),
      actualModelId: binding.modelId,
      actualDims: binding.dims,
    };
    const message = `The catalog was built by model ${modelId} (${dims} dims), not ${binding.modelId} (${binding.dims} dims); re-index into a new data directory`;
    // Other dims cannot even be compared; same dims but another model compare wrongly.
    if (Number(dims) !== binding.dims) throw new DimensionMismatchError(message, details);
    throw new ModelMismatchError(message, details);
  }).immediate();
}
