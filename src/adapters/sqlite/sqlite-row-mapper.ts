import type { ImageVector, Product, ProductImage } from '../../domain/product';

/** One row of the getMany query: a product with its images folded into JSON. */
export interface ProductRow {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly price: number;
  readonly currency: string;
  readonly tags_json: string;
  readonly in_stock: number;
  readonly model_id: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly images_json: string;
}

/** Selects ProductRow columns for the ids in a JSON array parameter, in one statement. */
export const SELECT_PRODUCTS_SQL = `
  SELECT p.id, p.title, p.description, p.category, p.price, p.currency, p.tags_json,
         p.in_stock, p.model_id, p.created_at, p.updated_at,
         (SELECT json_group_array(json_object(
                   'id', i.id, 'position', i.position, 'url', i.url, 'filename', i.filename,
                   'contentSha256', i.content_sha256, 'width', i.width, 'height', i.height))
            FROM (SELECT * FROM images WHERE product_pk = p.pk ORDER BY position) i
         ) AS images_json
    FROM products p
   WHERE p.id IN (SELECT value FROM json_each(?))`;

export function rowToProduct(row: ProductRow): Product {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    category: row.category,
    price: row.price,
    currency: row.currency,
    tags: JSON.parse(row.tags_json) as string[],
    inStock: row.in_stock === 1,
    images: JSON.parse(row.images_json) as ProductImage[],
    modelId: row.model_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** float32 little-endian bytes without copying: the layout sqlite-vec expects in a BLOB. */
export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** One row of the getImageVectors query; a product without images has null image columns. */
export interface ImageVectorRow {
  readonly product_id: string;
  readonly image_id: string | null;
  readonly vector: Buffer | null;
}

/** Image vectors of the products whose ids are in a JSON array parameter, by position. */
export const SELECT_IMAGE_VECTORS_SQL = `
  SELECT p.id AS product_id, i.id AS image_id, i.vector AS vector
    FROM products p LEFT JOIN images i ON i.product_pk = p.pk
   WHERE p.id IN (SELECT value FROM json_each(?))
   ORDER BY p.pk, i.position`;

/** One row of the findVectorsBySha256 query. */
export interface StoredVectorRow {
  readonly content_sha256: string;
  readonly width: number;
  readonly height: number;
  readonly vector: Buffer;
}

/** One stored image per content hash in a JSON array parameter (any one: same bytes, same vector). */
export const SELECT_VECTORS_BY_SHA256_SQL = `
  SELECT h.value AS content_sha256, i.width, i.height, i.vector
    FROM json_each(?) h
    JOIN images i ON i.rowid = (SELECT rowid FROM images WHERE content_sha256 = h.value LIMIT 1)`;

/** A float32 BLOB back to a Float32Array of its own (copied: the row's buffer is reused). */
export function blobToVector(blob: Buffer): Float32Array {
  const bytes = new Uint8Array(blob.byteLength);
  bytes.set(blob);
  return new Float32Array(bytes.buffer);
}

/** Groups ImageVectorRows by product, one entry per asked id, in order, null when unknown. */
export function rowsToImageVectors(
  productIds: readonly string[],
  rows: readonly ImageVectorRow[],
): Array<ImageVector[] | null> {
  const byId = new Map<string, ImageVector[]>();
  for (const row of rows) {
    const images = byId.get(row.product_id) ?? [];
    byId.set(row.product_id, images);
    if (row.image_id !== null && row.vector !== null) {
      images.push({ imageId: row.image_id, vector: blobToVector(row.vector) });
    }
  }
  return productIds.map((id) => byId.get(id) ?? null);
}
