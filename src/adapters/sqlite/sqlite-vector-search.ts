import type Database from 'better-sqlite3';
import type { VectorHit } from '../../domain/search';
import type { VectorQuery } from '../../ports/product-index.port';
import { filterToSql } from './sqlite-filter-sql';
import { StatementCache } from './sqlite-statement-cache';
import { vectorToBlob } from './sqlite-row-mapper';

interface VectorRow {
  readonly product_id: string;
  readonly image_id: string;
  readonly distance: number;
}

/**
 * The exact SQL scan the read worker ran before the in-memory index (sqlite-vector-store.ts);
 * kept as the baseline of bench/embedded-knn.bench.ts and the worker tests.
 *
 * Exact, pre-filtered kNN: the filter narrows the products first, then every image of the
 * survivors is scored with sqlite-vec's cosine distance and each product keeps its best
 * distance. Because the top k is taken after filtering, a filtered page is never short.
 *
 * The best image is picked in a second step for the k winners only: min()'s bare columns
 * would name *an* image at the minimum, but which one among equals depends on the plan, and
 * the contract wants the same answer every time (lowest position).
 * Parameters, in text order: query vector, the filter's, k, query vector again.
 */
function vectorSql(filterSql: string): string {
  return `
    WITH best AS (
      SELECT p.pk, p.id AS product_id, min(vec_distance_cosine(i.vector, ?)) AS distance
        FROM products p
        JOIN images i ON i.product_pk = p.pk
       WHERE ${filterSql}
       GROUP BY p.pk
       ORDER BY distance ASC, p.id ASC
       LIMIT ?
    )
    SELECT b.product_id, b.distance,
           (SELECT i.id FROM images i
             WHERE i.product_pk = b.pk
             ORDER BY vec_distance_cosine(i.vector, ?) ASC, i.position ASC
             LIMIT 1) AS image_id
      FROM best b
     ORDER BY b.distance ASC, b.product_id ASC`;
}

export class VectorSearch {
  private readonly statements: StatementCache;

  constructor(db: Database.Database) {
    this.statements = new StatementCache(db);
  }

  search(query: VectorQuery): VectorHit[] {
    if (query.k <= 0) return [];
    const filter = filterToSql(query.filter);
    const vector = vectorToBlob(query.vector);
    const rows = this.statements
      .get(vectorSql(filter.sql))
      .all(vector, ...filter.params, Math.trunc(query.k), vector) as VectorRow[];
    const hits = rows.map((row) => ({
      productId: row.product_id,
      imageId: row.image_id,
      // float32 rounding can put 1 - distance a hair outside [-1, 1]; cosine never is.
      similarity: Math.min(1, Math.max(-1, 1 - row.distance)),
    }));
    // Rows come best first, so cutting weak ones after LIMIT equals cutting before it.
    const min = query.minSimilarity;
    return min === undefined ? hits : hits.filter((hit) => hit.similarity >= min);
  }
}
