import { contentSha256 } from '../../domain/content-hash';
import type { ImageWithVector, Product, ProductDocument } from '../../domain/product';
import { imageId } from '../../domain/product';
import { BadUserInputError } from '../../errors/app-error';
import type { Embedder } from '../../ports/embedder.port';
import type { ProductIndex } from '../../ports/product-index.port';
import type { ProductInput } from './product-input';
import { parseProductFields } from './product-input';

export interface CatalogLimits {
  readonly maxImagesPerProduct: number;
}

/**
 * Indexing policy: validate everything, embed every photo, then write the product in one
 * atomic upsert. Nothing is written when any part fails, so a rejected write changes nothing.
 */
export class IndexingService {
  constructor(
    private readonly embedder: Embedder,
    private readonly index: ProductIndex,
    private readonly limits: CatalogLimits,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async indexProduct(input: ProductInput): Promise<Product> {
    const fields = parseProductFields(input);
    const { images } = input;
    if (images.length < 1 || images.length > this.limits.maxImagesPerProduct) {
      throw new BadUserInputError(
        `A product needs 1 to ${this.limits.maxImagesPerProduct} images, got ${images.length}`,
        { fields: [{ field: 'images', problem: 'count' }] },
      );
    }
    const [embeddings, [existing], hashes] = await Promise.all([
      this.embedder.embedImages(images.map((image) => image.bytes)),
      this.index.getMany([fields.id]),
      // The image cache hashes the same buffers: contentSha256 computes each digest once.
      Promise.all(images.map((image) => contentSha256(image.bytes))),
    ]);
    const stamp = this.now().toISOString();
    const vectors: ImageWithVector[] = images.map((image, position) => {
      const embedding = embeddings[position]!;
      return {
        id: imageId(fields.id, position),
        position,
        url: image.url ?? null,
        filename: image.filename ?? null,
        contentSha256: hashes[position]!,
        width: embedding.width,
        height: embedding.height,
        vector: embedding.vector,
      };
    });
    const doc: ProductDocument = {
      ...fields,
      images: vectors,
      modelId: this.embedder.modelId,
      createdAt: existing?.createdAt ?? stamp,
      updatedAt: stamp,
    };
    await this.index.upsert(doc);
    return withoutVectors(doc);
  }

  /** Resolves true when the product existed. */
  deleteProduct(productId: string): Promise<boolean> {
    return this.index.delete(productId);
  }

  /** One backend read for the whole batch; null for unknown ids. */
  getProducts(productIds: readonly string[]): Promise<Array<Product | null>> {
    return this.index.getMany(productIds);
  }
}

function withoutVectors(doc: ProductDocument): Product {
  return {
    ...doc,
    images: doc.images.map(({ vector: _vector, ...image }) => image),
  };
}
