import type Database from 'better-sqlite3';

/**
 * Prepared statements keyed by SQL text. Filter shapes vary (which fields, how many tags), so
 * the cache is bounded: a caller sending ever more tags cannot grow it without limit.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly maxEntries = 64,
  ) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      if (this.statements.size >= this.maxEntries) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
