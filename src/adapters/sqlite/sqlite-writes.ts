import type Database from 'better-sqlite3';
import type { Product, ProductDocument } from '../../domain/product';
import { ErrorCode } from '../../errors/app-error';
import type { UpsertOutcome } from '../../ports/product-index.port';
import { translateSqliteError } from './sqlite-errors';
import { vectorToBlob } from './sqlite-row-mapper';

/**
 * The statements behind upsert and delete, prepared once per connection. Callers run them
 * inside one transaction so product, tags, images and FTS row change together or not at all.
 */
export class ProductWriter {
  private readonly upsertProduct: Database.Statement;
  private readonly findPk: Database.Statement;
  private readonly deleteProduct: Database.Statement;
  private readonly deleteTags: Database.Statement;
  private readonly deleteImages: Database.Statement;
  private readonly deleteFts: Database.Statement;
  private readonly insertTag: Database.Statement;
  private readonly insertImage: Database.Statement;
  private readonly insertFts: Database.Statement;
  private readonly updateProduct: Database.Statement;
  /** `write` as a nested transaction: better-sqlite3 runs it in a SAVEPOINT. */
  private readonly writeInSavepoint: (doc: ProductDocument) => number;

  constructor(db: Database.Database) {
    this.writeInSavepoint = db.transaction((doc: ProductDocument) => this.write(doc));
    this.upsertProduct = db.prepare(`
      INSERT INTO products (id, title, description, category, price, currency, tags_json,
                            in_stock, model_id, created_at, updated_at)
      VALUES (@id, @title, @description, @category, @price, @currency, @tagsJson,
              @inStock, @modelId, @createdAt, @updatedAt)
      ON CONFLICT (id) DO UPDATE SET
        title = excluded.title, description = excluded.description,
        category = excluded.category, price = excluded.price, currency = excluded.currency,
        tags_json = excluded.tags_json, in_stock = excluded.in_stock,
        model_id = excluded.model_id, created_at = excluded.created_at,
        updated_at = excluded.updated_at
      RETURNING pk`);
    this.findPk = db.prepare('SELECT pk FROM products WHERE id = ?').pluck();
    this.deleteProduct = db.prepare('DELETE FROM products WHERE pk = ?');
    this.deleteTags = db.prepare('DELETE FROM product_tags WHERE product_pk = ?');
    this.deleteImages = db.prepare('DELETE FROM images WHERE product_pk = ?');
    this.deleteFts = db.prepare('DELETE FROM products_fts WHERE rowid = ?');
    this.insertTag = db.prepare(
      'INSERT OR IGNORE INTO product_tags (product_pk, tag) VALUES (?, ?)',
    );
    this.insertImage = db.prepare(`
      INSERT INTO images (product_pk, position, id, url, filename, content_sha256, width,
                          height, vector)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertFts = db.prepare(
      'INSERT INTO products_fts (rowid, title, description) VALUES (?, ?, ?)',
    );
    this.updateProduct = db.prepare(`
      UPDATE products SET title = @title, description = @description, category = @category,
                          price = @price, currency = @currency, tags_json = @tagsJson,
                          in_stock = @inStock, updated_at = @updatedAt
       WHERE pk = @pk`);
  }

  /**
   * Writes a product's new catalog fields (already merged with the patch), its tags and its FTS
   * row; images and vectors stay. Returns its pk, or null for an unknown id. Run inside a
   * transaction.
   */
  updateFields(product: Product): number | null {
    const pk = this.findPk.get(product.id) as number | undefined;
    if (pk === undefined) return null;
    this.updateProduct.run({
      pk,
      title: product.title,
      description: product.description,
      category: product.category,
      price: product.price,
      currency: product.currency,
      tagsJson: JSON.stringify(product.tags),
      inStock: product.inStock ? 1 : 0,
      updatedAt: product.updatedAt,
    });
    this.deleteTags.run(pk);
    for (const tag of product.tags) this.insertTag.run(pk, tag);
    this.deleteFts.run(pk);
    this.insertFts.run(pk, product.title, product.description);
    return pk;
  }

  /**
   * Replaces the product and everything hanging off it; returns its pk (kept by an upsert of
   * a known id). Run inside a transaction.
   */
  write(doc: ProductDocument): number {
    const { pk } = this.upsertProduct.get({
      id: doc.id,
      title: doc.title,
      description: doc.description,
      category: doc.category,
      price: doc.price,
      currency: doc.currency,
      tagsJson: JSON.stringify(doc.tags),
      inStock: doc.inStock ? 1 : 0,
      modelId: doc.modelId,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
    }) as { pk: number };
    this.clearChildren(pk);
    for (const tag of doc.tags) this.insertTag.run(pk, tag);
    for (const image of doc.images) {
      this.insertImage.run(
        pk,
        image.position,
        image.id,
        image.url,
        image.filename,
        image.contentSha256,
        image.width,
        image.height,
        vectorToBlob(image.vector),
      );
    }
    this.insertFts.run(pk, doc.title, doc.description);
    return pk;
  }

  /**
   * Writes every document whose outcome is still null, each in its own savepoint of the
   * caller's transaction: a document the database refuses (a constraint) rolls back alone and
   * its error becomes its outcome. An error that means the database cannot serve (I/O, a full
   * disk) is thrown, and the caller's transaction rolls back as a whole. Returns each written
   * document's pk (undefined where its outcome is an error).
   */
  writeEach(
    docs: readonly ProductDocument[],
    outcomes: UpsertOutcome[],
  ): Array<number | undefined> {
    const pks: Array<number | undefined> = [];
    docs.forEach((doc, position) => {
      if (outcomes[position] !== null) return;
      try {
        pks[position] = this.writeInSavepoint(doc);
      } catch (error) {
        const translated = translateSqliteError(error, 'upsertMany');
        if (translated.code === ErrorCode.INDEX_UNAVAILABLE) throw error;
        outcomes[position] = translated;
      }
    });
    return pks;
  }

  /** Removes the product; returns whether it existed. Run inside a transaction. */
  remove(productId: string): boolean {
    const pk = this.findPk.get(productId) as number | undefined;
    if (pk === undefined) return false;
    this.clearChildren(pk);
    this.deleteProduct.run(pk);
    return true;
  }

  // Explicit rather than ON DELETE CASCADE alone: an upsert keeps the product row (and pk).
  private clearChildren(pk: number): void {
    this.deleteTags.run(pk);
    this.deleteImages.run(pk);
    this.deleteFts.run(pk);
  }
}
