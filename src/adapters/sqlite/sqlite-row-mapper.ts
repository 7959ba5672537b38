import type { Product, ProductImage } from '../../domain/product';

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
