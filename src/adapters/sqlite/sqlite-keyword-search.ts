import type Database from 'better-sqlite3';
import type { KeywordHit } from '../../domain/search';
import type { KeywordQuery } from '../../ports/product-index.port';
import { toFtsQuery } from './sqlite-fts-query';
import { filterToSql } from './sqlite-filter-sql';
import { StatementCache } from './sqlite-statement-cache';

interface KeywordRow {
  readonly product_id: string;
  readonly score: number;
}

/** Column weights for bm25(): a word in the title says more than one in the description. */
const TITLE_WEIGHT = 2;
const DESCRIPTION_WEIGHT = 1;

function keywordSql(filterSql: string): string {
  // bm25() is lower-is-better; negate it so higher is better like every other score.
  return `
    SELECT p.id AS product_id,
           -bm25(products_fts, ${TITLE_WEIGHT}, ${DESCRIPTION_WEIGHT}) AS score
      FROM products_fts
      JOIN products p ON p.pk = products_fts.rowid
     WHERE products_fts MATCH ? AND ${filterSql}
     ORDER BY score DESC, p.id ASC
     LIMIT ?`;
}

/** BM25 over title and description (FTS5), with the same filters as the vector search. */
export class KeywordSearch {
  private readonly statements: StatementCache;

  constructor(db: Database.Database) {
    this.statements = new StatementCache(db);
  }

  search(query: KeywordQuery): KeywordHit[] {
    const match = toFtsQuery(query.text);
    if (match === null || query.k <= 0) return [];
    const filter = filterToSql(query.filter);
    const rows = this.statements
      .get(keywordSql(filter.sql))
      .all(match, ...filter.params, Math.trunc(query.k)) as KeywordRow[];
    return rows.map((row) => ({ productId: row.product_id, score: row.score }));
  }
}
