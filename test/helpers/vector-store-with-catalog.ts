/**
 * A VectorStore beside the SQLite catalog its re-score reads, for tests that drive the store
 * directly: an in-memory database with the real schema, written through the real ProductWriter
 * before the store, in that order, as SqliteProductIndex does.
 */
import Database from 'better-sqlite3';
import { SqliteExactVectors } from '../../src/adapters/sqlite/sqlite-exact-vectors';
import { migrate } from '../../src/adapters/sqlite/sqlite-schema';
import type { StoredProduct } from '../../src/adapters/sqlite/sqlite-vector-store';
import { VectorStoreReader } from '../../src/adapters/sqlite/sqlite-vector-reader';
import { VectorStore } from '../../src/adapters/sqlite/sqlite-vector-store';
import { ProductWriter } from '../../src/adapters/sqlite/sqlite-writes';
import { makeProduct } from './product-fixtures';

export class VectorStoreWithCatalog {
  readonly store: VectorStore;
  readonly db = new Database(':memory:');
  private readonly writer: ProductWriter;
  private readonly exact: SqliteExactVectors;

  constructor(dims: number) {
    this.store = new VectorStore(dims);
    migrate(this.db);
    this.writer = new ProductWriter(this.db);
    this.exact = new SqliteExactVectors(this.db);
  }

  /** Writes the product to SQLite (image ids `${id}#${position}`), then puts it in the store. */
  put(product: Omit<StoredProduct, 'pk'>): void {
    const { images, ...fields } = product;
    const pk = this.writer.write(
      makeProduct({ ...fields, tags: [...fields.tags], vectors: images.map((i) => i.vector) }),
    );
    this.store.put({ ...product, pk });
  }

  remove(productId: string): void {
    this.writer.remove(productId);
    this.store.remove(productId);
  }

  /**
   * A worker's reader on the store's current buffers. `beforeRescore` runs between a search's
   * scan and its SQLite read, where a write from the main thread can land.
   */
  reader(beforeRescore: () => void = () => undefined): VectorStoreReader {
    const exact = this.exact;
    return new VectorStoreReader(this.store.buffers, {
      imagesOf: (pks) => {
        beforeRescore();
        return exact.imagesOf(pks);
      },
    });
  }

  close(): void {
    this.db.close();
  }
}
