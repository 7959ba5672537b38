import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import * as sqliteVec from 'sqlite-vec';
import type {
  ImageVector,
  Product,
  ProductDocument,
  ProductPatch,
  StoredPhotoVector,
} from '../../domain/product';
import type { KeywordHit, VectorHit } from '../../domain/search';
import { DimensionMismatchError, IndexUnavailableError } from '../../errors/app-error';
import type {
  KeywordQuery,
  ProductIndex,
  ProductIndexBinding,
  UpsertOutcome,
  VectorQuery,
} from '../../ports/product-index.port';
import {
  blobToVector,
  rowsToImageVectors,
  rowToProduct,
  SELECT_IMAGE_VECTORS_SQL,
  SELECT_PRODUCTS_SQL,
  SELECT_VECTORS_BY_SHA256_SQL,
  type ImageVectorRow,
  type ProductRow,
  type StoredVectorRow,
} from './sqlite-row-mapper';
import { translateSqliteError } from './sqlite-errors';
import { SqliteReadClient } from './sqlite-read-client';
import { checkBinding, configureConnection, migrate } from './sqlite-schema';
import { ProductWriter } from './sqlite-writes';
import type { StoredProduct } from './sqlite-vector-store';
import { VectorStore } from './sqlite-vector-store';

export interface SqliteProductIndexOptions {
  /** Directory holding `catalog.sqlite` (and its -wal/-shm files); created when missing. */
  readonly dataDir: string;
  readonly binding: ProductIndexBinding;
  readonly logger?: pino.Logger;
  /** How long a write waits for another process's lock before INDEX_UNAVAILABLE. */
  readonly busyTimeoutMs?: number;
  /** Threads scanning the in-memory vector index (SQLITE_READ_WORKERS); default 2. */
  readonly readWorkers?: number;
}

export const CATALOG_FILE = 'catalog.sqlite';
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_READ_WORKERS = 2;

/** Everything that exists only while the database is open. */
interface OpenState {
  readonly db: Database.Database;
  readonly writer: ProductWriter;
  /** The in-memory vector index the read workers scan; SQLite stays the durable copy. */
  readonly store: VectorStore;
  /** Runs the searches on worker threads. */
  readonly reads: SqliteReadClient;
  readonly getProducts: Database.Statement;
  readonly getImageVectors: Database.Statement;
  readonly getVectorsBySha256: Database.Statement;
  readonly listIds: Database.Statement;
  readonly listIdsAfter: Database.Statement;
}

function checkOptions(options: SqliteProductIndexOptions): void {
  const { dataDir, binding } = options;
  if (typeof dataDir !== 'string' || dataDir.length === 0) {
    throw new TypeError(`dataDir must be a non-empty path, got ${JSON.stringify(dataDir)}`);
  }
  if (!Number.isInteger(binding?.dims) || binding.dims <= 0) {
    throw new TypeError(`binding.dims must be a positive integer, got ${binding?.dims}`);
  }
  if (typeof binding.modelId !== 'string' || binding.modelId.length === 0) {
    throw new TypeError(`binding.modelId must be a non-empty string, got ${binding.modelId}`);
  }
  const { readWorkers } = options;
  if (readWorkers !== undefined && (!Number.isInteger(readWorkers) || readWorkers < 1)) {
    throw new TypeError(`readWorkers must be a positive integer, got ${readWorkers}`);
  }
}

/**
 * The embedded ProductIndex: one SQLite file (better-sqlite3 + sqlite-vec + FTS5), zero setup.
 * Writes, getMany and getImageVectors run synchronously on the main connection, each one short
 * statement or transaction; WAL + synchronous=FULL make every resolved write durable.
 * kNN searches scan an in-memory vector index (sqlite-vector-store.ts: 4-bit then int8 SIMD
 * scan, exact re-score from SQLite) on `readWorkers` threads sharing one copy of it, one search
 * split across them on large catalogs (sqlite-read-client.ts); the index is rebuilt from SQLite
 * at every open and updated by every write before it resolves. BM25 runs on its own thread.
 */
export class SqliteProductIndex implements ProductIndex {
  readonly kind = 'sqlite';
  readonly file: string;
  private readonly binding: ProductIndexBinding;
  private readonly logger: pino.Logger;
  private readonly busyTimeoutMs: number;
  private readonly readWorkers: number;
  private state: OpenState | null = null;

  constructor(options: SqliteProductIndexOptions) {
    checkOptions(options);
    this.file = path.join(options.dataDir, CATALOG_FILE);
    this.binding = { modelId: options.binding.modelId, dims: options.binding.dims };
    this.logger = options.logger ?? pino({ enabled: false });
    this.busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.readWorkers = options.readWorkers ?? DEFAULT_READ_WORKERS;
  }

  async open(): Promise<void> {
    if (this.state !== null) return;
    let db: Database.Database | undefined;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      db = new Database(this.file, { timeout: this.busyTimeoutMs });
      configureConnection(db, this.busyTimeoutMs);
      sqliteVec.load(db);
      migrate(db);
      checkBinding(db, this.binding);
      const started = process.hrtime.bigint();
      const store = loadVectorStore(db, this.binding.dims);
      const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
      // After migrate: the keyword worker's read-only connection needs the schema to exist.
      const reads = await SqliteReadClient.start(
        this.file,
        this.busyTimeoutMs,
        store,
        this.readWorkers,
      );
      store.onGrow = (buffers) => reads.adopt(buffers);
      this.state = prepare(db, store, reads);
      this.logger.info(
        {
          file: this.file,
          ...this.binding,
          products: store.size,
          vectorIndexMs: Math.round(loadMs),
          vectorIndexBytes: store.bytes,
          readWorkers: this.readWorkers,
        },
        'SQLite index open',
      );
    } catch (error) {
      db?.close();
      throw translateSqliteError(error, 'open');
    }
  }

  async upsert(doc: ProductDocument): Promise<void> {
    const [outcome] = this.write('upsert', [doc]);
    if (outcome) throw outcome;
  }

  async upsertMany(docs: readonly ProductDocument[]): Promise<UpsertOutcome[]> {
    return this.write('upsertMany', docs);
  }

  async delete(productId: string): Promise<boolean> {
    return this.use('delete', ({ db, writer, store }) => {
      const existed = db.transaction(() => writer.remove(productId)).immediate();
      store.remove(productId);
      return existed;
    });
  }

  async getMany(productIds: readonly string[]): Promise<Array<Product | null>> {
    if (productIds.length === 0) return [];
    const rows = this.use('getMany', ({ getProducts }) =>
      getProducts.all(JSON.stringify(productIds)),
    ) as ProductRow[];
    const byId = new Map(rows.map((row) => [row.id, rowToProduct(row)]));
    return productIds.map((id) => byId.get(id) ?? null);
  }

  async getImageVectors(productIds: readonly string[]): Promise<Array<ImageVector[] | null>> {
    const rows = this.use('getImageVectors', ({ getImageVectors }) =>
      productIds.length === 0 ? [] : getImageVectors.all(JSON.stringify(productIds)),
    ) as ImageVectorRow[];
    return rowsToImageVectors(productIds, rows);
  }

  /**
   * Read, merge and write in one IMMEDIATE transaction, so no other writer slips in between;
   * then the in-memory vector index takes the new filter fields (same vectors, a fresh row),
   * before the promise resolves, like every write.
   */
  async updateFields(
    productId: string,
    patch: ProductPatch,
    updatedAt: string,
  ): Promise<Product | null> {
    return this.use('updateFields', ({ db, writer, getProducts, getImageVectors, store }) => {
      const updated = db
        .transaction(() => {
          const [row] = getProducts.all(JSON.stringify([productId])) as ProductRow[];
          if (row === undefined) return null;
          const given = Object.fromEntries(
            Object.entries(patch).filter(([, value]) => value !== undefined),
          );
          const changed: Product = { ...rowToProduct(row), ...given, updatedAt };
          const pk = writer.updateFields(changed)!;
          return { changed, pk };
        })
        .immediate();
      if (updated === null) return null;
      const { changed: product, pk } = updated;
      // Price, stock and category change in place; a new tag set takes a new row, with the
      // same vectors in position order (getImageVectors' order) under the new fields.
      if (!store.updateColumns(product)) {
        const rows = getImageVectors.all(JSON.stringify([productId])) as ImageVectorRow[];
        const vectors = rowsToImageVectors([productId], rows)[0] ?? [];
        const images = vectors.map((v, position) => ({ vector: v.vector, position }));
        store.put(toStored({ ...product, images }, pk));
      }
      return product;
    });
  }

  async findVectorsBySha256(sha256s: readonly string[]): Promise<Array<StoredPhotoVector | null>> {
    if (sha256s.length === 0) return [];
    const rows = this.use('findVectorsBySha256', ({ getVectorsBySha256 }) =>
      getVectorsBySha256.all(JSON.stringify(sha256s)),
    ) as StoredVectorRow[];
    const byHash = new Map(rows.map((row) => [row.content_sha256, row]));
    return sha256s.map((hash) => {
      const row = byHash.get(hash);
      if (row === undefined) return null;
      return { vector: blobToVector(row.vector), width: row.width, height: row.height };
    });
  }

  async searchVector(query: VectorQuery): Promise<VectorHit[]> {
    this.checkDims(query.vector, 'query vector');
    return this.read('searchVector', (reads) => reads.searchVector(query));
  }

  async searchKeyword(query: KeywordQuery): Promise<KeywordHit[]> {
    return this.read('searchKeyword', (reads) => reads.searchKeyword(query));
  }

  /** SQLite compares TEXT with memcmp on its UTF-8 bytes: the port's order, off the unique index. */
  async listProductIds(afterId: string | undefined, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    return this.use('listProductIds', ({ listIds, listIdsAfter }) =>
      afterId === undefined ? listIds.all(limit) : listIdsAfter.all(afterId, limit),
    ) as string[];
  }

  async ping(): Promise<void> {
    this.use('ping', ({ db, reads }) => {
      // A state check, not a round trip: a probe must not queue behind long scans.
      reads.check();
      db.prepare('SELECT count(*) FROM meta').get();
    });
  }

  async close(): Promise<void> {
    const state = this.state;
    this.state = null;
    if (state === null) return;
    try {
      await state.reads.terminate();
      state.db.close();
    } catch (error) {
      throw translateSqliteError(error, 'close');
    }
    this.logger.info({ file: this.file }, 'SQLite index closed');
  }

  /**
   * One transaction for all documents: those with wrong dims are refused before it starts, the
   * rest each in a savepoint (ProductWriter.writeEach), committed together with one fsync.
   */
  private write(operation: string, docs: readonly ProductDocument[]): UpsertOutcome[] {
    return this.use(operation, ({ db, writer, store }) => {
      const outcomes = docs.map((doc) => this.dimsError(doc));
      if (outcomes.some((outcome) => outcome === null)) {
        const pks = db.transaction(() => writer.writeEach(docs, outcomes)).immediate();
        // Committed: now the in-memory index, in order, so a repeated id ends as its last.
        docs.forEach((doc, position) => {
          if (outcomes[position] === null) store.put(toStored(doc, pks[position]!));
        });
      }
      return outcomes;
    });
  }

  /** Runs one synchronous piece of work against the open database, translating failures. */
  private use<T>(operation: string, work: (state: OpenState) => T): T {
    const state = this.state;
    if (state === null) {
      throw new IndexUnavailableError('The SQLite index is not open', {
        operation,
        reason: 'CLOSED',
      });
    }
    try {
      return work(state);
    } catch (error) {
      const translated = translateSqliteError(error, operation);
      this.logger.warn({ err: error, operation }, 'SQLite index operation failed');
      throw translated;
    }
  }

  /** Sends a search to the read worker; its errors arrive already translated. */
  private async read<T>(
    operation: string,
    work: (reads: SqliteReadClient) => Promise<T>,
  ): Promise<T> {
    const reads = this.use(operation, (state) => state.reads);
    try {
      return await work(reads);
    } catch (error) {
      this.logger.warn({ err: error, operation }, 'SQLite index operation failed');
      throw error;
    }
  }

  private checkDims(vector: Float32Array, what: string): void {
    if (!(vector instanceof Float32Array) || vector.length !== this.binding.dims) {
      throw new DimensionMismatchError(`The ${what} does not have the index's dims`, {
        expectedDims: this.binding.dims,
        actualDims: vector instanceof Float32Array ? vector.length : null,
      });
    }
  }

  /** The error refusing a document with an image vector of other dims, else null. */
  private dimsError(doc: ProductDocument): UpsertOutcome {
    try {
      for (const image of doc.images) this.checkDims(image.vector, 'image vector');
      return null;
    } catch (error) {
      return error as DimensionMismatchError;
    }
  }
}

function prepare(db: Database.Database, store: VectorStore, reads: SqliteReadClient): OpenState {
  return {
    db,
    writer: new ProductWriter(db),
    store,
    reads,
    getProducts: db.prepare(SELECT_PRODUCTS_SQL),
    getImageVectors: db.prepare(SELECT_IMAGE_VECTORS_SQL),
    getVectorsBySha256: db.prepare(SELECT_VECTORS_BY_SHA256_SQL),
    listIds: db.prepare('SELECT id FROM products ORDER BY id LIMIT ?').pluck(),
    listIdsAfter: db.prepare('SELECT id FROM products WHERE id > ? ORDER BY id LIMIT ?').pluck(),
  };
}

/** A product as the in-memory vector index keeps it: filter fields and vectors by position. */
function toStored(
  doc: Pick<ProductDocument, 'id' | 'category' | 'price' | 'inStock' | 'tags'> & {
    readonly images: ReadonlyArray<{ vector: Float32Array; position: number }>;
  },
  pk: number,
): StoredProduct {
  return {
    id: doc.id,
    pk,
    category: doc.category,
    price: doc.price,
    inStock: doc.inStock,
    tags: doc.tags,
    images: [...doc.images]
      .sort((a, b) => a.position - b.position)
      .map((image) => ({ vector: image.vector })),
  };
}

interface LoadProductRow {
  readonly pk: number;
  readonly id: string;
  readonly category: string;
  readonly price: number;
  readonly in_stock: number;
  readonly tags_json: string;
}

interface LoadImageRow {
  readonly product_pk: number;
  readonly vector: Buffer;
}

/** Builds the in-memory vector index from the catalog: one pass over products and images. */
function loadVectorStore(db: Database.Database, dims: number): VectorStore {
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  const store = new VectorStore(dims, {
    products: count('SELECT count(*) FROM products'),
    images: count('SELECT count(*) FROM images'),
    tags: count('SELECT count(*) FROM product_tags'),
  });
  const images = db
    .prepare('SELECT product_pk, vector FROM images ORDER BY product_pk, position')
    .iterate() as IterableIterator<LoadImageRow>;
  let image = images.next();
  const products = db
    .prepare('SELECT pk, id, category, price, in_stock, tags_json FROM products ORDER BY pk')
    .iterate() as IterableIterator<LoadProductRow>;
  for (const row of products) {
    const vectors: Array<{ vector: Float32Array }> = [];
    while (!image.done && image.value.product_pk < row.pk) image = images.next();
    while (!image.done && image.value.product_pk === row.pk) {
      // A copy: the blob's buffer is reused by the next row and may be misaligned.
      const bytes = new Uint8Array(dims * 4);
      bytes.set(image.value.vector.subarray(0, dims * 4));
      vectors.push({ vector: new Float32Array(bytes.buffer) });
      image = images.next();
    }
    store.put({
      id: row.id,
      pk: row.pk,
      category: row.category,
      price: row.price,
      inStock: row.in_stock === 1,
      tags: JSON.parse(row.tags_json) as string[],
      images: vectors,
    });
  }
  return store;
}
