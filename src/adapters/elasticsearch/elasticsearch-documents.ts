import type {
  Product,
  ProductDocument,
  ProductImage,
  ProductPatch,
  StoredPhotoVector,
} from '../../domain/product';
import type { KeywordHit, VectorHit } from '../../domain/search';
import { IndexUnavailableError } from '../../errors/app-error';
import { IMAGES_PATH, scoreToCosine } from './elasticsearch-queries';
import { decodeVector, encodeVector } from './elasticsearch-vector-codec';

/**
 * The `_source` of one product document. `vector` is indexed for kNN but excluded from the
 * stored `_source`; `vectorBytes` (see elasticsearch-vector-codec.ts) is stored for read-back.
 */
export interface ProductSource extends Omit<Product, 'images'> {
  readonly images: ReadonlyArray<
    ProductImage & { readonly vector?: number[]; readonly vectorBytes?: string }
  >;
}

/** The document sent to Elasticsearch for one product. */
export function toSource(doc: ProductDocument): ProductSource {
  return {
    id: doc.id,
    title: doc.title,
    description: doc.description,
    category: doc.category,
    price: doc.price,
    currency: doc.currency,
    tags: [...doc.tags],
    inStock: doc.inStock,
    modelId: doc.modelId,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    images: doc.images.map((image) => ({
      id: image.id,
      position: image.position,
      url: image.url,
      filename: image.filename,
      contentSha256: image.contentSha256,
      width: image.width,
      height: image.height,
      vector: Array.from(image.vector),
      vectorBytes: encodeVector(image.vector),
    })),
  };
}

/** A stored `_source` back to the domain Product, images in position order. */
export function fromSource(source: ProductSource): Product {
  const images: ProductImage[] = source.images
    .map((image) => ({
      id: image.id,
      position: image.position,
      url: image.url ?? null,
      filename: image.filename ?? null,
      contentSha256: image.contentSha256,
      width: image.width,
      height: image.height,
    }))
    .sort((a, b) => a.position - b.position);
  return {
    id: source.id,
    title: source.title,
    description: source.description,
    category: source.category,
    price: source.price,
    currency: source.currency,
    tags: [...source.tags],
    inStock: source.inStock,
    modelId: source.modelId,
    createdAt: source.createdAt,
    updatedAt: source.updatedAt,
    images,
  };
}

/**
 * A stored `_source` with a patch applied, ready to index again. `images.vector` is excluded
 * from `_source`, so a plain `_update` would drop it; each image gets it back from its stored
 * `vectorBytes`, bit for bit, and the kNN field is rebuilt from exactly the vectors it had.
 */
export function patchedSource(
  source: ProductSource,
  patch: ProductPatch,
  updatedAt: string,
  dims: number,
): ProductSource {
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return {
    ...source,
    ...given,
    updatedAt,
    images: source.images.map((image) => ({
      ...image,
      vector: Array.from(decodeVector(image.vectorBytes, dims, image.id)),
    })),
  };
}

/** The nested image `_source` a findVectorsBySha256 inner hit reads. */
interface StoredImageSource {
  readonly width?: number;
  readonly height?: number;
  readonly vectorBytes?: string;
  readonly id?: string;
}

/** One `_msearch` body: any one image with these bytes, only what the vector read needs. */
export function sha256SearchBody(hash: string): Record<string, unknown> {
  return {
    size: 1,
    _source: false,
    query: {
      nested: {
        path: 'images',
        query: { term: { 'images.contentSha256': hash } },
        inner_hits: {
          size: 1,
          _source: ['images.id', 'images.width', 'images.height', 'images.vectorBytes'],
        },
      },
    },
  };
}

interface Sha256SearchResponse {
  readonly error?: { readonly type?: string };
  readonly hits?: {
    readonly hits: ReadonlyArray<{
      readonly inner_hits?: Record<
        string,
        {
          readonly hits: { readonly hits: ReadonlyArray<{ readonly _source?: StoredImageSource }> };
        }
      >;
    }>;
  };
}

/** One `_msearch` response of sha256SearchBody: the stored vector, null for no hit. */
export function storedVectorFromResponse(
  response: unknown,
  dims: number,
  operation: string,
): StoredPhotoVector | null {
  const answer = response as Sha256SearchResponse | undefined;
  if (answer?.error !== undefined || answer?.hits === undefined) {
    throw new IndexUnavailableError('Elasticsearch could not look up a photo hash', {
      operation,
      type: answer?.error?.type,
    });
  }
  const image = answer.hits.hits[0]?.inner_hits?.[IMAGES_PATH]?.hits.hits[0]?._source;
  if (image === undefined) return null;
  return {
    vector: decodeVector(image.vectorBytes, dims, String(image.id)),
    width: Number(image.width),
    height: Number(image.height),
  };
}

/** The parts of a search hit the adapter reads. */
export interface EsHit {
  readonly _id?: string | null;
  readonly _score?: number | null;
  readonly inner_hits?: Record<string, { hits: { hits: ReadonlyArray<EsInnerHit> } }>;
}

interface EsInnerHit {
  readonly fields?: Record<string, unknown>;
}

/**
 * The matched image's id: `docvalue_fields` of a nested inner hit come back flat as
 * `{ 'images.id': ['p#0'] }`; the `fields` API's shape `{ images: [{ id: ['p#0'] }] }` is still
 * read, so a response from either request form parses.
 */
function innerImageId(hit: EsHit): string | null {
  const fields = hit.inner_hits?.[IMAGES_PATH]?.hits.hits[0]?.fields;
  const flat = fields?.[`${IMAGES_PATH}.id`] as unknown[] | undefined;
  const nested = fields?.[IMAGES_PATH] as Array<{ id?: unknown[] }> | undefined;
  const id = flat?.[0] ?? nested?.[0]?.id?.[0];
  return typeof id === 'string' ? id : null;
}

function byScoreThenId<T extends { productId: string }>(score: (item: T) => number) {
  return (a: T, b: T): number =>
    score(b) - score(a) || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0);
}

/**
 * kNN hits to VectorHits: cosine from the score, the weak ones cut exactly, ordered by
 * similarity then productId, at most k.
 */
export function toVectorHits(
  hits: readonly EsHit[],
  k: number,
  minSimilarity: number | undefined,
): VectorHit[] {
  const out: VectorHit[] = [];
  for (const hit of hits) {
    const imageId = innerImageId(hit);
    if (typeof hit._id !== 'string' || typeof hit._score !== 'number' || imageId === null) continue;
    const similarity = scoreToCosine(hit._score);
    if (minSimilarity !== undefined && similarity < minSimilarity) continue;
    out.push({ productId: hit._id, imageId, similarity });
  }
  return out.sort(byScoreThenId((hit) => hit.similarity)).slice(0, Math.max(0, Math.trunc(k)));
}

/** BM25 hits to KeywordHits ordered by score then productId, at most k. */
export function toKeywordHits(hits: readonly EsHit[], k: number): KeywordHit[] {
  const out: KeywordHit[] = [];
  for (const hit of hits) {
    if (typeof hit._id !== 'string' || typeof hit._score !== 'number') continue;
    out.push({ productId: hit._id, score: hit._score });
  }
  return out.sort(byScoreThenId((hit) => hit.score)).slice(0, Math.max(0, Math.trunc(k)));
}
