import type { ProductFilter } from '../../domain/search';
import type { KeywordQuery, VectorQuery } from '../../ports/product-index.port';

/** The nested path and vector field every kNN runs over. */
export const IMAGES_PATH = 'images';
const VECTOR_FIELD = 'images.vector';
const IMAGE_ID_FIELD = 'images.id';

/**
 * Hits fetched beyond k so that products tied on score at the k-th place can be ordered by
 * productId (the port's tie-break) instead of Elasticsearch's internal doc order.
 */
export const TIE_HEADROOM = 5;

/**
 * HNSW candidates per shard = max(k * factor, floor), capped at Elasticsearch's 10,000.
 * Measured by bench/es-adapter.bench.ts on 100k uniform random 512-d vectors (the hardest case:
 * every neighbour is almost equally far): recall@10 was 0.64 with 150 candidates, 0.91 with 500
 * and 0.975 with 1000, for about +40% latency. Real CLIP embeddings cluster and need fewer, but
 * the floor keeps the recall target on any data; the factor keeps deep pages well above k.
 */
const NUM_CANDIDATES_FACTOR = 10;
export const NUM_CANDIDATES_FLOOR = 1000;
const MAX_NUM_CANDIDATES = 10_000;

/**
 * int8_hnsw ranks candidates on quantized vectors; rescoring the best k * oversample of them
 * with the float vectors makes the returned scores exact cosines and recovers the recall the
 * quantization costs.
 */
const RESCORE_OVERSAMPLE = 3;

/**
 * The kNN `similarity` cut runs on quantized similarities before rescoring, which can be off
 * by a few thousandths; cutting this much lower there and exactly in TypeScript afterwards
 * never drops a product whose true cosine passes.
 */
export const SIMILARITY_SLACK = 0.01;

/** Column weights of the keyword query, the same as the SQLite backend's bm25() weights. */
const KEYWORD_FIELDS = ['title^2', 'description'] as const;

export type EsQuery = Record<string, unknown>;

/** A ProductFilter as bool-filter clauses (all top-level fields, so valid inside nested kNN). */
export function filterClauses(filter: ProductFilter): EsQuery[] {
  const clauses: EsQuery[] = [];
  if (filter.category !== undefined) clauses.push({ term: { category: filter.category } });
  if (filter.minPrice !== undefined || filter.maxPrice !== undefined) {
    const range: Record<string, number> = {};
    if (filter.minPrice !== undefined) range.gte = filter.minPrice;
    if (filter.maxPrice !== undefined) range.lte = filter.maxPrice;
    clauses.push({ range: { price: range } });
  }
  if (filter.inStock !== undefined) clauses.push({ term: { inStock: filter.inStock } });
  // One term per tag: the product must carry every one of them.
  for (const tag of new Set(filter.tags ?? [])) clauses.push({ term: { tags: tag } });
  return clauses;
}

/** How many hits a request asks for to answer a page of k. */
function fetchSize(k: number): number {
  return Math.min(Math.trunc(k) + TIE_HEADROOM, MAX_NUM_CANDIDATES);
}

function numCandidates(size: number): number {
  return Math.min(Math.max(size * NUM_CANDIDATES_FACTOR, NUM_CANDIDATES_FLOOR), MAX_NUM_CANDIDATES);
}

/**
 * Nested kNN over image vectors: Elasticsearch diversifies nested kNN over the parent
 * documents, so each product appears once with its best image's score, and `inner_hits`
 * names that image. The filter sits inside `knn.filter`, which makes it a pre-filter.
 */
export function vectorSearchBody(query: VectorQuery): EsQuery {
  const size = fetchSize(query.k);
  const clauses = filterClauses(query.filter);
  const knn: EsQuery = {
    field: VECTOR_FIELD,
    query_vector: Array.from(query.vector),
    k: size,
    num_candidates: numCandidates(size),
    rescore_vector: { oversample: RESCORE_OVERSAMPLE },
    // The matched image's id from doc values: the `fields` API would parse each hit's whole
    // nested `_source` (stored vector bytes included). Measured on 10k products, k 205: p50
    // 171 ms against 198 ms, identical ids (bench/README.md, "GraphQL search").
    inner_hits: { size: 1, _source: false, docvalue_fields: [IMAGE_ID_FIELD] },
  };
  if (clauses.length > 0) knn.filter = clauses;
  // For cosine fields `similarity` is the raw cosine, not the (1 + cos) / 2 score.
  if (query.minSimilarity !== undefined) knn.similarity = query.minSimilarity - SIMILARITY_SLACK;
  return { knn, size, _source: false, track_total_hits: false };
}

/** BM25 over title and description with the same filter; scores are summed over fields. */
export function keywordSearchBody(query: KeywordQuery): EsQuery {
  return {
    query: {
      bool: {
        must: {
          multi_match: {
            query: query.text,
            fields: [...KEYWORD_FIELDS],
            type: 'most_fields',
            operator: 'or',
          },
        },
        filter: filterClauses(query.filter),
      },
    },
    size: fetchSize(query.k),
    _source: false,
    track_total_hits: false,
  };
}

/** Elasticsearch's cosine `_score` is (1 + cos) / 2; the port speaks raw cosine. */
export function scoreToCosine(score: number): number {
  return 2 * score - 1;
}
