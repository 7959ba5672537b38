import type {
  ImageWithVector,
  Product,
  ProductDocument,
  ProductImage,
  StoredPhotoVector,
} from '../../domain/product';
import { imageId } from '../../domain/product';
import type { AppError } from '../../errors/app-error';
import { BadUserInputError, isAppError, NotFoundError } from '../../errors/app-error';
import type { Embedder } from '../../ports/embedder.port';
import type { PhotoFetcher } from '../../ports/photo-fetcher.port';
import type { PhotoStore } from '../../ports/photo-store.port';
import type { ProductIndex } from '../../ports/product-index.port';
import { firstField, withField } from './item-error';
import {
  freshPhotos,
  keptImages,
  nextImageNumber,
  sameAsStored,
  toImage,
  withoutVectors,
} from './product-images';
import { PhotoKeeper } from './photo-keeper';
import type { GatheredPhoto } from './photo-pipeline';
import { newPhotoCounts, PhotoPipeline } from './photo-pipeline';
import type { PhotoInput, ProductInput } from './product-input';
import { parseProductFields, parseProductPatch } from './product-input';

export interface CatalogLimits {
  readonly maxImagesPerProduct: number;
  /** Most products in one indexProducts call. */
  readonly maxBatch: number;
  /** Photo URLs fetched at once by this service. */
  readonly fetchConcurrency: number;
}

/** Told how indexed photos got their vectors (metrics.ts implements it for /metrics). */
export interface IndexingObserver {
  photos(reused: number, embedded: number): void;
}

export interface IndexingCollaborators {
  readonly photoFetcher: PhotoFetcher;
  /** null keeps no originals (the catalog's URLs only). */
  readonly photoStore: PhotoStore | null;
  readonly observer?: IndexingObserver;
  readonly now?: () => Date;
}

/** One indexProducts result: the stored product, or why this input was refused. */
export type IndexOutcome =
  | { readonly product: Product; readonly error: null }
  | { readonly product: null; readonly error: AppError };

/** A product ready to write, or the error that stops it. */
type Prepared = { readonly fields: ProductDocumentFields; readonly photos: GatheredPhoto[] };
type ProductDocumentFields = ReturnType<typeof parseProductFields>;

/**
 * Indexing policy. Every input is validated, URL photos fetched, every photo hashed, and each
 * photo's vector reused from the index when the same bytes are stored (no model run), embedded
 * otherwise. New originals go to the photo store before the write; then good products are
 * written together in one `upsertMany`. One bad product or photo fails alone, with a coded error
 * whose details.field names it (`photos.2`); a refused product changes nothing.
 *
 * Image ids: a product indexed whole gets `<id>#<position>`. addProductPhotos keeps the ids of
 * the photos it keeps and gives each new photo `<id>#<n>` with n one more than the highest
 * number in use; removeProductPhotos keeps the others' ids and renumbers positions 0..n-1. So
 * an image id names the same photo for as long as it stays on the product.
 */
export class IndexingService {
  private readonly pipeline: PhotoPipeline;
  private readonly keeper: PhotoKeeper;
  private readonly observer: IndexingObserver | undefined;
  private readonly now: () => Date;

  constructor(
    private readonly embedder: Embedder,
    private readonly index: ProductIndex,
    private readonly limits: CatalogLimits,
    collaborators: IndexingCollaborators,
  ) {
    const { photoFetcher, photoStore } = collaborators;
    this.pipeline = new PhotoPipeline(embedder, index, photoFetcher, limits.fetchConcurrency);
    this.keeper = new PhotoKeeper(photoStore, index);
    this.observer = collaborators.observer;
    this.now = collaborators.now ?? (() => new Date());
  }

  /** A batch of one: throws the product's error instead of returning it. */
  async indexProduct(input: ProductInput): Promise<Product> {
    const [outcome] = await this.indexProducts([input]);
    if (outcome!.error !== null) throw outcome!.error;
    return outcome!.product;
  }

  /** One outcome per input, in order; the good ones written in one upsertMany. */
  async indexProducts(inputs: readonly ProductInput[]): Promise<IndexOutcome[]> {
    if (inputs.length < 1 || inputs.length > this.limits.maxBatch) {
      throw new BadUserInputError(
        `indexProducts takes 1 to ${this.limits.maxBatch} products, got ${inputs.length}`,
        { fields: [{ field: 'inputs', problem: 'count' }], maxBatch: this.limits.maxBatch },
      );
    }
    const prepared = await Promise.all(inputs.map((input) => this.prepare(input)));
    const release = this.keeper.pin(
      prepared.flatMap((p) => (isAppError(p) ? [] : p.photos.map((photo) => photo.sha256))),
    );
    try {
      return await this.write(prepared);
    } finally {
      release();
    }
  }

  private async write(prepared: ReadonlyArray<Prepared | AppError>): Promise<IndexOutcome[]> {
    const good = prepared.filter((p): p is Prepared => !isAppError(p));
    const counts = newPhotoCounts();
    const [vectors, existing] = await Promise.all([
      this.pipeline.vectors(
        good.map((p) => p.photos),
        counts,
      ),
      good.length === 0 ? [] : this.index.getMany(good.map((p) => p.fields.id)),
    ]);
    this.observer?.photos(counts.reused, counts.embedded);
    const stored = new Map(good.map((p, n) => [p, existing[n] ?? null]));
    const existingOf = (p: Prepared): Product | null => stored.get(p) ?? null;
    const stamp = this.now().toISOString();
    const docs = new Map<Prepared, ProductDocument | AppError>();
    good.forEach((p, n) => {
      const found = vectors[n]!;
      if (isAppError(found)) docs.set(p, found);
      else docs.set(p, this.document(p, found, existingOf(p), stamp));
    });
    const writable = good.filter((p) => !isAppError(docs.get(p)));
    // A product whose fields and photos are what is stored already is not written again: a
    // re-run of an unchanged feed costs fetches and hashes only (its updatedAt stays).
    const unchanged = new Set(
      writable.filter((p) => sameAsStored(docs.get(p) as ProductDocument, existingOf(p))),
    );
    const changed = writable.filter((p) => !unchanged.has(p));
    await this.keeper.put(
      freshPhotos(
        changed.flatMap((p) => p.photos),
        counts.fresh,
      ),
    );
    const batch = changed.map((p) => docs.get(p) as ProductDocument);
    const outcomes = batch.length === 0 ? [] : await this.index.upsertMany(batch);
    changed.forEach((p, n) => {
      if (outcomes[n] !== null && outcomes[n] !== undefined) docs.set(p, outcomes[n]);
    });
    const kept = new Set(batch.flatMap((doc) => doc.images.map((image) => image.contentSha256)));
    const replaced = changed.flatMap((p) => existingOf(p)?.images ?? []);
    await this.collect(replaced.filter((image) => !kept.has(image.contentSha256)));
    return prepared.map((p) => {
      if (isAppError(p)) return { product: null, error: p };
      if (unchanged.has(p)) return { product: existingOf(p)!, error: null };
      const result = docs.get(p) as ProductDocument | AppError;
      if (isAppError(result)) return { product: null, error: result };
      return { product: withoutVectors(result), error: null };
    });
  }

  private async prepare(input: ProductInput): Promise<Prepared | AppError> {
    try {
      const fields = parseProductFields(input);
      this.checkPhotoCount(input.images.length, 'images');
      return { fields, photos: await this.pipeline.gather(input.images) };
    } catch (error) {
      if (!isAppError(error)) throw error;
      return withField(error, firstField(error));
    }
  }

  private document(
    p: Prepared,
    vectors: readonly StoredPhotoVector[],
    existing: Product | null,
    stamp: string,
  ): ProductDocument {
    const images = p.photos.map((photo, position) =>
      toImage(photo, vectors[position]!, imageId(p.fields.id, position), position),
    );
    return {
      ...p.fields,
      images,
      modelId: this.embedder.modelId,
      createdAt: existing?.createdAt ?? stamp,
      updatedAt: stamp,
    };
  }

  /** Changes catalog fields only: no model run, no photo touched. */
  async updateProduct(
    productId: string,
    patch: Readonly<Record<string, unknown>>,
  ): Promise<Product> {
    const changes = parseProductPatch(patch);
    const product = await this.index.updateFields(productId, changes, this.now().toISOString());
    if (product === null) throw notFound(productId);
    return product;
  }

  /** Appends photos (uploads or URLs), embedding only those whose bytes are not stored yet. */
  async addProductPhotos(productId: string, photos: readonly PhotoInput[]): Promise<Product> {
    const { product, vectors } = await this.load(productId);
    this.checkPhotoCount(product.images.length + photos.length, 'photos');
    const gathered = await this.pipeline.gather(
      photos.map((photo, i) => ({ ...photo, field: photo.field ?? `photos.${i}` })),
    );
    const release = this.keeper.pin(gathered.map((photo) => photo.sha256));
    try {
      const counts = newPhotoCounts();
      const [found] = await this.pipeline.vectors([gathered], counts);
      this.observer?.photos(counts.reused, counts.embedded);
      if (isAppError(found)) throw found;
      let next = nextImageNumber(product.images);
      const added = gathered.map((photo, i) =>
        toImage(photo, found![i]!, imageId(productId, next++), product.images.length + i),
      );
      const kept = keptImages(product.images, vectors);
      await this.keeper.put(freshPhotos(gathered, counts.fresh));
      return await this.rewrite(product, [...kept, ...added], []);
    } finally {
      release();
    }
  }

  /** Removes photos by image id; the product keeps at least one. */
  async removeProductPhotos(productId: string, imageIds: readonly string[]): Promise<Product> {
    const { product, vectors } = await this.load(productId);
    const known = new Set(product.images.map((image) => image.id));
    const unknown = imageIds.findIndex((id) => !known.has(id));
    if (unknown >= 0) {
      throw new BadUserInputError(`Product ${productId} has no image ${imageIds[unknown]}`, {
        field: `imageIds.${unknown}`,
        fields: [{ field: `imageIds.${unknown}`, problem: 'unknown image id' }],
      });
    }
    const drop = new Set(imageIds);
    const kept = keptImages(product.images, vectors).filter((image) => !drop.has(image.id));
    if (kept.length === 0) {
      throw new BadUserInputError('A product keeps at least one photo', {
        field: 'imageIds',
        fields: [{ field: 'imageIds', problem: 'would remove every photo' }],
      });
    }
    const dropped = product.images.filter((image) => drop.has(image.id));
    return this.rewrite(product, kept, dropped);
  }

  /** Resolves true when the product existed; its no longer referenced originals go too. */
  async deleteProduct(productId: string): Promise<boolean> {
    const [product] = await this.index.getMany([productId]);
    const deleted = await this.index.delete(productId);
    if (deleted) await this.collect(product?.images ?? []);
    return deleted;
  }

  /** One backend read for the whole batch; null for unknown ids. */
  getProducts(productIds: readonly string[]): Promise<Array<Product | null>> {
    return this.index.getMany(productIds);
  }

  private async load(productId: string) {
    const [[product], [vectors]] = await Promise.all([
      this.index.getMany([productId]),
      this.index.getImageVectors([productId]),
    ]);
    if (product === null || product === undefined || vectors === null || vectors === undefined) {
      throw notFound(productId);
    }
    return { product, vectors };
  }

  private async rewrite(
    product: Product,
    images: readonly ImageWithVector[],
    dropped: readonly ProductImage[],
  ): Promise<Product> {
    const doc: ProductDocument = {
      ...product,
      images: images.map((image, position) => ({ ...image, position })),
      updatedAt: this.now().toISOString(),
    };
    await this.index.upsert(doc);
    await this.collect(dropped);
    return withoutVectors(doc);
  }

  /** Deletes the originals of these images that no product references any more. */
  private async collect(images: readonly ProductImage[]): Promise<void> {
    // The write is acknowledged already: an original left behind costs disk, never correctness.
    await this.keeper.collect(images.map((image) => image.contentSha256)).catch(() => undefined);
  }

  private checkPhotoCount(count: number, field: string): void {
    const max = this.limits.maxImagesPerProduct;
    if (count < 1 || count > max) {
      throw new BadUserInputError(`A product needs 1 to ${max} images, got ${count}`, {
        field,
        fields: [{ field, problem: 'count' }],
        maxImagesPerProduct: max,
      });
    }
  }
}

function notFound(productId: string): NotFoundError {
  return new NotFoundError(`No product with id ${productId}`, { id: productId });
}
