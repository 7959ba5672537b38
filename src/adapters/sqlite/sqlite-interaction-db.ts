import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DecayedCounts, InteractionEvent, PopularityCounts } from '../../domain/interaction';
import { addEvents, groupEvents } from '../../domain/interaction';
import { translateSqliteError } from './sqlite-errors';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS interaction_events (
  seq         INTEGER PRIMARY KEY,
  type        TEXT NOT NULL,
  product_id  TEXT NOT NULL,
  query_key   TEXT,
  session_id  TEXT,
  at_ms       INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS product_popularity (
  product_id  TEXT PRIMARY KEY,
  ref_ms      REAL NOT NULL,
  view        REAL NOT NULL,
  click       REAL NOT NULL,
  add_to_cart REAL NOT NULL,
  purchase    REAL NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS query_popularity (
  query_key   TEXT NOT NULL,
  product_id  TEXT NOT NULL,
  ref_ms      REAL NOT NULL,
  view        REAL NOT NULL,
  click       REAL NOT NULL,
  add_to_cart REAL NOT NULL,
  purchase    REAL NOT NULL,
  PRIMARY KEY (query_key, product_id)
) STRICT, WITHOUT ROWID;
`;

interface CountsRow {
  product_id: string;
  ref_ms: number;
  view: number;
  click: number;
  add_to_cart: number;
  purchase: number;
}

function toCounts(row: CountsRow): DecayedCounts {
  return {
    refMs: row.ref_ms,
    counts: {
      VIEW: row.view,
      CLICK: row.click,
      ADD_TO_CART: row.add_to_cart,
      PURCHASE: row.purchase,
    },
  };
}

function toRow(productId: string, aggregate: DecayedCounts): CountsRow {
  const { counts } = aggregate;
  return {
    product_id: productId,
    ref_ms: aggregate.refMs,
    view: counts.VIEW,
    click: counts.CLICK,
    add_to_cart: counts.ADD_TO_CART,
    purchase: counts.PURCHASE,
  };
}

interface Statements {
  insertEvent: Database.Statement<[Record<string, unknown>]>;
  getProduct: Database.Statement<[string], CountsRow>;
  putProduct: Database.Statement<[CountsRow]>;
  getPair: Database.Statement<[string, string], CountsRow>;
  putPair: Database.Statement<[CountsRow & { query_key: string }]>;
  readProducts: Database.Statement<[string], CountsRow>;
  readPairs: Database.Statement<[string, string], CountsRow>;
}

const COLUMNS = 'ref_ms, view, click, add_to_cart, purchase';
const VALUES = '@ref_ms, @view, @click, @add_to_cart, @purchase';

/** What the interaction database is opened with (structured-cloneable: it crosses threads). */
export interface SqliteInteractionDbOptions {
  /** The store's own SQLite file, e.g. `<DATA_DIR>/interactions.sqlite`. */
  readonly file: string;
  /** Half-life of the decayed counts, in milliseconds. */
  readonly halfLifeMs: number;
  /** How long a write waits for another process's lock, in milliseconds. */
  readonly busyTimeoutMs: number;
}

/**
 * The interaction file, synchronously (it runs on the store's own thread, see
 * sqlite-interaction.worker.ts). WAL with synchronous=FULL: a batch is on disk when `record`
 * returns. Each batch is one transaction: the raw events plus the read-modify-write of every
 * aggregate it touches (decayed in TypeScript with domain/interaction.ts, so both backends
 * compute the same numbers); BEGIN IMMEDIATE takes the write lock first, so another process
 * sharing the file cannot interleave its own update between our read and write.
 */
export class SqliteInteractionDb {
  private readonly db: Database.Database;
  private readonly statements: Statements;

  constructor(private readonly options: SqliteInteractionDbOptions) {
    const { file } = options;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.db = new Database(file, { timeout: options.busyTimeoutMs });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(SCHEMA);
      this.statements = prepare(this.db);
    } catch (error) {
      throw translateSqliteError(error, 'open interactions');
    }
  }

  record(events: readonly InteractionEvent[]): void {
    if (events.length === 0) return;
    const { db, statements: s } = this;
    const { halfLifeMs } = this.options;
    const { byProduct, byQueryProduct } = groupEvents(events);
    const write = db.transaction(() => {
      for (const event of events) {
        s.insertEvent.run({
          type: event.type,
          product_id: event.productId,
          query_key: event.queryKey ?? null,
          session_id: event.sessionId ?? null,
          at_ms: event.atMs,
        });
      }
      for (const [productId, list] of byProduct) {
        const row = s.getProduct.get(productId);
        const next = addEvents(row === undefined ? undefined : toCounts(row), list, halfLifeMs);
        s.putProduct.run(toRow(productId, next));
      }
      for (const { queryKey, productId, events: list } of byQueryProduct.values()) {
        const row = s.getPair.get(queryKey, productId);
        const next = addEvents(row === undefined ? undefined : toCounts(row), list, halfLifeMs);
        s.putPair.run({ ...toRow(productId, next), query_key: queryKey });
      }
    });
    try {
      write.immediate();
    } catch (error) {
      throw translateSqliteError(error, 'record interactions');
    }
  }

  popularity(productIds: readonly string[], queryKey: string | undefined): PopularityCounts {
    const s = this.statements;
    if (productIds.length === 0) return { global: new Map(), query: new Map() };
    const ids = JSON.stringify(productIds);
    try {
      const global = new Map(s.readProducts.all(ids).map((row) => [row.product_id, toCounts(row)]));
      const query =
        queryKey === undefined
          ? new Map<string, DecayedCounts>()
          : new Map(s.readPairs.all(queryKey, ids).map((row) => [row.product_id, toCounts(row)]));
      return { global, query };
    } catch (error) {
      throw translateSqliteError(error, 'read popularity');
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function prepare(db: Database.Database): Statements {
  return {
    insertEvent: db.prepare(
      `INSERT INTO interaction_events (type, product_id, query_key, session_id, at_ms)
       VALUES (@type, @product_id, @query_key, @session_id, @at_ms)`,
    ),
    getProduct: db.prepare(
      `SELECT product_id, ${COLUMNS} FROM product_popularity WHERE product_id = ?`,
    ),
    putProduct: db.prepare(
      `INSERT OR REPLACE INTO product_popularity (product_id, ${COLUMNS}) VALUES (@product_id, ${VALUES})`,
    ),
    getPair: db.prepare(
      `SELECT product_id, ${COLUMNS} FROM query_popularity WHERE query_key = ? AND product_id = ?`,
    ),
    putPair: db.prepare(
      `INSERT OR REPLACE INTO query_popularity (query_key, product_id, ${COLUMNS})
       VALUES (@query_key, @product_id, ${VALUES})`,
    ),
    readProducts: db.prepare(
      `SELECT product_id, ${COLUMNS} FROM product_popularity
       WHERE product_id IN (SELECT value FROM json_each(?))`,
    ),
    readPairs: db.prepare(
      `SELECT product_id, ${COLUMNS} FROM query_popularity
       WHERE query_key = ? AND product_id IN (SELECT value FROM json_each(?))`,
    ),
  };
}
