import type { ProductFilter } from '../../domain/search';

/** A SQL boolean expression over the `products p` alias and its positional parameters. */
export interface SqlCondition {
  readonly sql: string;
  readonly params: ReadonlyArray<string | number>;
}

/**
 * Translates a ProductFilter into a WHERE expression on `p` (the products table). Values are
 * always bound parameters, never spliced, so filter values cannot change the query's shape.
 */
export function filterToSql(filter: ProductFilter): SqlCondition {
  const clauses: string[] = [];
  const params: Array<string | number> = [];
  if (filter.category !== undefined) {
    clauses.push('p.category = ?');
    params.push(filter.category);
  }
  if (filter.minPrice !== undefined) {
    clauses.push('p.price >= ?');
    params.push(filter.minPrice);
  }
  if (filter.maxPrice !== undefined) {
    clauses.push('p.price <= ?');
    params.push(filter.maxPrice);
  }
  if (filter.inStock !== undefined) {
    clauses.push('p.in_stock = ?');
    params.push(filter.inStock ? 1 : 0);
  }
  for (const tag of new Set(filter.tags ?? [])) {
    // One EXISTS per tag: the product must carry every tag (AND), each probe hits the PK.
    clauses.push('EXISTS (SELECT 1 FROM product_tags t WHERE t.product_pk = p.pk AND t.tag = ?)');
    params.push(tag);
  }
  return { sql: clauses.length === 0 ? '1' : clauses.join(' AND '), params };
}
