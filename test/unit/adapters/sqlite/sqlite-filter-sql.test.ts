import { filterToSql } from '../../../../src/adapters/sqlite/sqlite-filter-sql';

describe('filterToSql', () => {
  it('is always-true without constraints', () => {
    expect(filterToSql({})).toEqual({ sql: '1', params: [] });
    expect(filterToSql({ tags: [] })).toEqual({ sql: '1', params: [] });
  });

  it('binds every value as a parameter, in clause order', () => {
    const { sql, params } = filterToSql({
      category: "x' OR 1=1 --",
      minPrice: 5,
      maxPrice: 9.5,
      inStock: false,
      tags: ['a', 'b', 'a'],
    });
    expect(sql).not.toContain('OR 1=1');
    expect(sql.match(/\?/g)).toHaveLength(params.length);
    expect(params).toEqual(["x' OR 1=1 --", 5, 9.5, 0, 'a', 'b']);
    expect(sql.match(/EXISTS/g)).toHaveLength(2);
  });
});
