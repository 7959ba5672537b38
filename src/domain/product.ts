/** Catalog fields a catalog team sends for one product. */
export interface ProductFields {
  /** The catalog's own SKU. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly price: number;
  /** ISO 4217 code, upper case. */
  readonly currency: string;
  readonly tags: readonly string[];
  readonly inStock: boolean;
}

/** One photo of a product as stored (its vector lives in the index, not here). */
export interface ProductImage {
  /** `${productId}#${position}`: stable for a given indexing of the product. */
  readonly id: string;
  readonly position: number;
  /** Source URL where the catalog gave one, else null. */
  readonly url: string | null;
  readonly filename: string | null;
  /** sha256 of the uploaded bytes, hex. */
  readonly contentSha256: string;
  readonly width: number;
  readonly height: number;
}

export interface Product extends ProductFields {
  readonly images: readonly ProductImage[];
  /** Id of the model whose vectors index this product. */
  readonly modelId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ImageWithVector extends ProductImage {
  /** L2-normalised, length = the index's dims. */
  readonly vector: Float32Array;
}

/** One stored image vector as read back from a ProductIndex. */
export interface ImageVector {
  readonly imageId: string;
  /** L2-normalised, length = the index's dims: exactly the vector that was written. */
  readonly vector: Float32Array;
}

/** What a ProductIndex stores for one product: the product and a vector per image. */
export interface ProductDocument extends Omit<Product, 'images'> {
  readonly images: readonly ImageWithVector[];
}

export function imageId(productId: string, position: number): string {
  return `${productId}#${position}`;
}

/** Catalog fields a partial update may change; an absent field stays as stored. */
export type ProductPatch = Partial<Omit<ProductFields, 'id'>>;

/** A vector already stored for some photo's bytes (found by the photo's sha256). */
export interface StoredPhotoVector {
  /** L2-normalised, length = the index's dims: exactly the vector that was written. */
  readonly vector: Float32Array;
  readonly width: number;
  readonly height: number;
}
