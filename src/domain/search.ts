/** Filters applied inside the vector search (pre-filter) and the keyword search alike. */
export interface ProductFilter {
  /** Exact category match. */
  readonly category?: string;
  /** Inclusive bounds. */
  readonly minPrice?: number;
  readonly maxPrice?: number;
  /** The product must carry every one of these tags. */
  readonly tags?: readonly string[];
  readonly inStock?: boolean;
}

export type FusionMode = 'RRF' | 'LINEAR';

/** Fusion weights, one per weight key a ranked list can declare (a key may serve several lists). */
export interface FusionWeights {
  /** kNN with the uploaded photo's vector. */
  readonly image: number;
  /** kNN with the CLIP text vector of the query text. */
  readonly text: number;
  /** BM25 over title and description. */
  readonly keyword: number;
  /** kNN with the combined vector of the similarTo / recommend examples. */
  readonly examples: number;
}

export interface FusionOptions {
  readonly mode: FusionMode;
  readonly weights: FusionWeights;
  /** RRF's rank constant (60 in the original paper). */
  readonly rrfK: number;
}

/** One product from a kNN list: the best-matching image of that product. */
export interface VectorHit {
  readonly productId: string;
  readonly imageId: string;
  /** Cosine similarity in [-1, 1]. */
  readonly similarity: number;
}

/** One product from the keyword list. */
export interface KeywordHit {
  readonly productId: string;
  /** BM25 score, higher is better, unbounded. */
  readonly score: number;
}

/** One fused result. */
export interface SearchHit {
  readonly productId: string;
  /** Best-matching image, when any vector list ranked this product. */
  readonly imageId: string | null;
  readonly score: number;
}
