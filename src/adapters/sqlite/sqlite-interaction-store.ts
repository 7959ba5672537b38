import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DecayedCounts, InteractionEvent, PopularityCounts } from '../../domain/interaction';
import { addEvents, groupEvents } from '../../domain/interaction';
import type { InteractionStore } from '../../ports/interaction-store.port';
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

export interface SqliteInteractionStoreOptions {
  /** The store's own SQLite file, e.g. `<DATA_DIR>/interactions.sqlite`. */
  readonly file: string;
  /** Half-life of the decayed counts, in milliseconds. */
  readonly halfLifeMs: number;
  /** How long a write waits for another process's lock. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

/**
 * Interactions in their own SQLite file beside the catalog, so event writes never take the
 * catalog's write lock nor wait behind it, and the catalog's read workers never see them.
 * WAL with synchronous=FULL: a batch is on disk when `record` resolves. Each batch is one
 * transaction: the raw events plus the read-modify-write of every aggregate it touches
 * (decayed in TypeScript with domain/interaction.ts, so both backends compute the same
 * numbers); BEGIN IMMEDIATE takes the write lock first, so another process sharing the file
 * cannot interleave its own update between our read and write.
 */
export class SqliteInteractionStore implements InteractionStore {
  readonly kind = 'sqlite';
  private db: Database.Database | null = null;
  private statements: Statements | null = null;

  constructor(private readonly options: SqliteInteractionStoreOptions) {
    if (!(options.halfLifeMs > 0)) {
      throw new TypeError(`halfLifeMs must be positive, got ${options.halfLifeMs}`);
    }
  }

  async open(): Promise<void> {
    if (this.db !== null) return;
    const { file } = this.options;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const db = new Database(file, { timeout: this.options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(SCHEMA);
      this.statements = prepare(db);
      this.db = db;
    } catch (error) {
      throw translateSqliteError(error, 'open interactions');
    }
  }

  async record(events: readonly InteractionEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { db, statements: s } = this.opened();
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

  async popularity(
    productIds: readonly string[],
    queryKey: string | undefined,
  ): Promise<PopularityCounts> {
    const { statements: s } = this.opened();
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

  async close(): Promise<void> {
    const { db } = this;
    this.db = null;
    this.statements = null;
    if (db?.open === true) db.close();
  }

  private opened(): { db: Database.Database; statements: Statements } {
    if (this.db === null || this.statements === null) {
      throw translateSqliteError(new Error('the interaction store is not open'), 'interactions');
    }
    return { db: this.db, statements: this.statements };
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
