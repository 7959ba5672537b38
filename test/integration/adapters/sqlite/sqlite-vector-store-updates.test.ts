// The in-memory vector index under the partial updates catalogs send all day: price, stock and
// category change where the product's row is (no row, no vector copy), a new tag set takes a
// new row, and a scan (the read workers' code, on real SharedArrayBuffers) sees every change.
import type {
  StoredProduct,
  VectorStore,
} from '../../../../src/adapters/sqlite/sqlite-vector-store';
import { axisVector } from '../../../helpers/product-fixtures';
import { VectorStoreWithCatalog } from '../../../helpers/vector-store-with-catalog';

const DIMS = 16;

type Product = Omit<StoredProduct, 'pk'>;

function product(id: string, axis: number, fields: Partial<Product> = {}): Product {
  return {
    id,
    category: 'shoes',
    price: 10,
    inStock: true,
    tags: ['red'],
    images: [{ vector: axisVector(DIMS, axis) }],
    ...fields,
  };
}

/** Product ids a scan returns for the first axis, with this filter. */
function scan(
  catalog: VectorStoreWithCatalog,
  filter: Parameters<VectorStore['compile']>[0],
): string[] {
  const { store } = catalog;
  const compiled = store.compile(filter);
  if (compiled === null) return [];
  const reader = catalog.reader();
  const hits = reader.search({ vector: axisVector(DIMS, 0), filter: compiled, candidates: 10 });
  return Array.from(hits.rows, (row) => store.names.productIds[row]!).sort();
}

describe('VectorStore partial updates', () => {
  let catalog: VectorStoreWithCatalog;
  let store: VectorStore;
  beforeEach(() => {
    catalog = new VectorStoreWithCatalog(DIMS);
    store = catalog.store;
  });
  afterEach(() => catalog.close());

  it('changes price, stock and category in place: a thousand updates add no row and no bytes', () => {
    catalog.put(product('a', 0));
    catalog.put(product('b', 1));
    const rows = store.rows;
    const bytes = store.bytes;
    for (let n = 0; n < 1000; n++) {
      const changed = store.updateColumns({
        id: 'a',
        category: n % 2 === 0 ? 'boots' : 'shoes',
        price: n,
        inStock: n % 3 !== 0,
        tags: ['red'],
      });
      expect(changed).toBe(true);
    }
    expect(store.rows).toBe(rows);
    expect(store.bytes).toBe(bytes);
    expect(store.size).toBe(2);
    // The last update: n = 999, category shoes, price 999, in stock (999 % 3 === 0: out).
    expect(scan(catalog, { minPrice: 999 })).toEqual(['a']);
    expect(scan(catalog, { maxPrice: 998 })).toEqual(['b']);
    expect(scan(catalog, { inStock: false })).toEqual(['a']);
    expect(scan(catalog, { category: 'shoes', inStock: true })).toEqual(['b']);
    expect(scan(catalog, { category: 'boots' })).toEqual([]);
  });

  it('reaches a category it has never seen', () => {
    catalog.put(product('a', 0));
    expect(store.updateColumns({ ...product('a', 0), category: 'hats' })).toBe(true);
    expect(scan(catalog, { category: 'hats' })).toEqual(['a']);
    expect(scan(catalog, { category: 'shoes' })).toEqual([]);
  });

  it('refuses, changing nothing, a new tag set or an unknown product; put then takes a new row', () => {
    catalog.put(product('a', 0));
    const rows = store.rows;
    expect(store.updateColumns({ ...product('a', 0), price: 99, tags: ['blue'] })).toBe(false);
    expect(store.updateColumns({ ...product('a', 0), price: 99, tags: [] })).toBe(false);
    expect(store.updateColumns({ ...product('a', 0), price: 99, tags: ['red', 'sale'] })).toBe(
      false,
    );
    expect(store.updateColumns({ ...product('zz', 0), price: 99 })).toBe(false);
    expect(store.rows).toBe(rows);
    expect(scan(catalog, { minPrice: 99 })).toEqual([]);
    // The same tags in another order and repeated are the same set: in place.
    catalog.put(product('b', 1, { tags: ['x', 'y'] }));
    expect(store.updateColumns({ ...product('b', 1), tags: ['y', 'x', 'y'], price: 5 })).toBe(true);
    expect(scan(catalog, { tags: ['x'], maxPrice: 5 })).toEqual(['b']);

    catalog.put(product('a', 0, { tags: ['blue'], price: 99 }));
    expect(store.rows).toBe(rows + 2);
    expect(scan(catalog, { tags: ['blue'], minPrice: 99 })).toEqual(['a']);
  });
});
