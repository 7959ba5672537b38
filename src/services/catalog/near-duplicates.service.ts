import { z } from 'zod';
import type { ProductIndex } from '../../ports/product-index.port';
import { anyNumber, rule, toBadUserInput } from '../search/request-rules';

/** How much one nearDuplicateProducts page may do (config.nearDuplicates). */
export interface NearDuplicateLimits {
  readonly defaultFirst: number;
  readonly maxFirst: number;
  /** kNN neighbours read per photo: the most near-duplicates one photo can reveal. */
  readonly neighboursPerPhoto: number;
}

export interface NearDuplicateRequest {
  readonly threshold?: number;
  readonly first?: number;
  readonly after?: string;
}

interface NearDuplicateGroup {
  readonly productId: string;
  /** Products with larger ids, most similar first (then by id). */
  readonly duplicates: ReadonlyArray<{ readonly productId: string; readonly similarity: number }>;
  readonly cursor: string;
}

export interface NearDuplicatePage {
  readonly groups: readonly NearDuplicateGroup[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  /** Where the next page starts: after the last product examined (which may head no group). */
  readonly endCursor: string | null;
}

const PREFIX = 'n1:';

function encodeCursor(productId: string): string {
  return Buffer.from(`${PREFIX}${productId}`, 'utf8').toString('base64url');
}

function requestSchema(limits: NearDuplicateLimits) {
  return z.object({
    threshold: anyNumber
      .superRefine(
        rule(
          (value) => Number.isFinite(value) && value > 0 && value <= 1,
          'threshold must be above 0 and at most 1',
          (value) => ({ value }),
        ),
      )
      .default(0.95),
    first: anyNumber
      .superRefine(
        rule(
          (value) => Number.isInteger(value) && value >= 1 && value <= limits.maxFirst,
          `first must be an integer from 1 to ${limits.maxFirst}`,
          (value) => ({ value }),
        ),
      )
      .default(limits.defaultFirst),
    after: z
      .string()
      .transform((value, ctx) => {
        const text = Buffer.from(value, 'base64url').toString('utf8');
        if (text.startsWith(PREFIX) && text.length > PREFIX.length)
          return text.slice(PREFIX.length);
        ctx.addIssue({ code: 'custom', message: '`after` is not a cursor this server issued' });
        return z.NEVER;
      })
      .optional(),
  });
}

/**
 * Catalog cleaning: products whose photos are near-identical (cosine >= threshold between some
 * photo of each). Paged by product id: a page examines the next `first` products in id order
 * (listProductIds); for each, one kNN per photo (k = neighboursPerPhoto + 1, its own product
 * included, minSimilarity = threshold) finds its neighbours, and a pair is reported once, under
 * its smaller id. The work per page is bounded: at most first x photos-per-product kNN queries
 * of bounded k, `first` products at a time. A page may hold fewer groups than `first` (products
 * without duplicates head none); keep following endCursor while hasNextPage.
 *
 * Limits, said plainly: one photo reveals at most neighboursPerPhoto duplicates; on an
 * approximate backend (Elasticsearch HNSW) a pair the kNN misses from the smaller id is missed.
 */
export class NearDuplicatesService {
  private readonly schema: ReturnType<typeof requestSchema>;

  constructor(
    private readonly index: ProductIndex,
    private readonly limits: NearDuplicateLimits,
  ) {
    this.schema = requestSchema(limits);
  }

  async find(request: NearDuplicateRequest): Promise<NearDuplicatePage> {
    const parsed = this.schema.safeParse(request);
    if (!parsed.success) throw toBadUserInput(parsed.error.issues);
    const { threshold, first, after } = parsed.data;
    const ids = await this.index.listProductIds(after, first + 1);
    const page = ids.slice(0, first);
    const vectors = await this.index.getImageVectors(page);
    const groups: NearDuplicateGroup[] = [];
    // One product's kNN queries at a time (its photos in parallel): bounded fan-out.
    for (const [i, productId] of page.entries()) {
      const duplicates = await this.neighbours(productId, vectors[i] ?? [], threshold);
      if (duplicates.length > 0) {
        groups.push({ productId, duplicates, cursor: encodeCursor(productId) });
      }
    }
    const last = page.at(-1);
    return {
      groups,
      hasNextPage: ids.length > first,
      hasPreviousPage: after !== undefined,
      endCursor: last === undefined ? null : encodeCursor(last),
    };
  }

  /** Neighbours with larger ids, best similarity over this product's photos, best first. */
  private async neighbours(
    productId: string,
    photos: ReadonlyArray<{ readonly vector: Float32Array }>,
    threshold: number,
  ): Promise<Array<{ productId: string; similarity: number }>> {
    const k = this.limits.neighboursPerPhoto + 1;
    const lists = await Promise.all(
      photos.map((photo) =>
        this.index.searchVector({ vector: photo.vector, filter: {}, k, minSimilarity: threshold }),
      ),
    );
    const best = new Map<string, number>();
    const larger = (id: string) => Buffer.compare(Buffer.from(id), Buffer.from(productId)) > 0;
    for (const hit of lists.flat()) {
      if (!larger(hit.productId) || hit.similarity < threshold) continue;
      best.set(hit.productId, Math.max(best.get(hit.productId) ?? -Infinity, hit.similarity));
    }
    return [...best.entries()]
      .map(([id, similarity]) => ({ productId: id, similarity }))
      .sort(
        (a, b) =>
          b.similarity - a.similarity ||
          Buffer.compare(Buffer.from(a.productId), Buffer.from(b.productId)),
      );
  }
}
