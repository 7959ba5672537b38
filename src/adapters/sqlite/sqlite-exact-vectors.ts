import type Database from 'better-sqlite3';

/** One image of a candidate product, as SQLite holds it now. */
export interface ExactImage {
  readonly pk: number;
  readonly productId: string;
  readonly imageId: string;
  /** float32 little-endian (vectorToBlob's layout); possibly misaligned. */
  readonly vector: Uint8Array;
}

/** Where the in-memory index's re-score reads the float32 vectors of its candidates. */
export interface ExactVectors {
  /** The images of these products (by products.pk), by pk then position; unknown pks skipped. */
  imagesOf(pks: readonly number[]): Iterable<ExactImage>;
}

/**
 * The candidates' float32 vectors, straight from the images table: one statement per search
 * (one snapshot), a primary-key lookup per candidate. A read worker runs it on its own
 * read-only connection; WAL lets it read while the main connection writes.
 */
export class SqliteExactVectors implements ExactVectors {
  private readonly statement: Database.Statement;

  constructor(db: Database.Database) {
    this.statement = db
      .prepare(
        `SELECT p.pk, p.id, i.id, i.vector
           FROM products p JOIN images i ON i.product_pk = p.pk
          WHERE p.pk IN (SELECT value FROM json_each(?))
          ORDER BY p.pk, i.position`,
      )
      .raw();
  }

  imagesOf(pks: readonly number[]): ExactImage[] {
    if (pks.length === 0) return [];
    const rows = this.statement.all(JSON.stringify(pks)) as Array<
      [number, string, string, Uint8Array]
    >;
    return rows.map(([pk, productId, imageId, vector]) => ({ pk, productId, imageId, vector }));
  }
}
