// The read workers' scan (VectorStoreReader) on its own thread here, over a real store and a
// real in-memory SQLite: blocks of the SIMD kernel with and without filters, dims that are not
// a multiple of 16, a product with more photos than a kernel block, and a scan split in ranges
// giving what one scan gives.
import type { StoredProduct } from '../../../../src/adapters/sqlite/sqlite-vector-store';
import { nameHits } from '../../../../src/adapters/sqlite/sqlite-vector-store';
import { cosine, randomUnitVector, seededRandom } from '../../../helpers/product-fixtures';
import { VectorStoreWithCatalog } from '../../../helpers/vector-store-with-catalog';

const DIMS = 17;
const PRODUCTS = 1500;

type Product = Omit<StoredProduct, 'pk'>;

function catalogOf(random: () => number): Product[] {
  return Array.from({ length: PRODUCTS }, (_, n) => ({
    id: `p${n}`,
    category: `c${n % 10}`,
    price: n % 7,
    inStock: n % 3 !== 0,
    tags: n % 2 === 0 ? ['even'] : [],
    images: Array.from({ length: 1 + (n % 3) }, () => ({
      vector: randomUnitVector(DIMS, random),
    })),
  }));
}

/** The exact top k ids among the products `keep` accepts, best image each. */
function exactTop(products: Product[], query: Float32Array, keep: (p: Product) => boolean) {
  return products
    .filter(keep)
    .map((p) => ({ id: p.id, s: Math.max(...p.images.map((i) => cosine(i.vector, query))) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, 10)
    .map((hit) => hit.id);
}

describe('VectorStoreReader', () => {
  let catalog: VectorStoreWithCatalog;
  let products: Product[];
  beforeAll(() => {
    catalog = new VectorStoreWithCatalog(DIMS);
    products = catalogOf(seededRandom(21));
    for (const product of products) catalog.put(product);
    // Dead rows in between: re-sent and deleted products.
    for (let n = 0; n < PRODUCTS; n += 5) catalog.put(products[n]!);
    for (let n = 3; n < PRODUCTS; n += 50) catalog.remove(products[n]!.id);
    products = products.filter((_, n) => n < 3 || (n - 3) % 50 !== 0);
  });
  afterAll(() => catalog.close());

  it.each<
    [string, Parameters<VectorStoreWithCatalog['store']['compile']>[0], (p: Product) => boolean]
  >([
    ['no filter', {}, () => true],
    ['a category', { category: 'c3' }, (p) => p.category === 'c3'],
    [
      'price, stock and a tag',
      { maxPrice: 3, inStock: true, tags: ['even'] },
      (p) => p.price <= 3 && p.inStock && p.tags.includes('even'),
    ],
  ])('finds the exact top 10 with %s, over 17 dims', (_, filter, keep) => {
    const reader = catalog.reader();
    const random = seededRandom(5);
    let found = 0;
    for (let q = 0; q < 20; q++) {
      const vector = randomUnitVector(DIMS, random);
      const names = catalog.store.names;
      const hits = nameHits(
        reader.search({ vector, filter: catalog.store.compile(filter)!, candidates: 40 }),
        names,
      );
      const truth = exactTop(products, vector, keep);
      for (const hit of hits)
        expect(keep(products.find((p) => p.id === hit.productId)!)).toBe(true);
      found += hits.slice(0, 10).filter((hit) => truth.includes(hit.productId)).length;
    }
    expect(found / (20 * 10)).toBeGreaterThanOrEqual(0.99);
  });

  it.each([{}, { category: 'c1' }])(
    'keeps, scanning rows in three ranges, the candidates one scan keeps (filter %j)',
    (filter) => {
      const reader = catalog.reader();
      const compiled = catalog.store.compile(filter)!;
      const rows = catalog.store.rows;
      const vector = randomUnitVector(DIMS, seededRandom(8));
      const query = { vector, filter: compiled, candidates: 50 };
      const whole = reader.scan({ ...query, from: 0, to: rows });
      const cuts = [0, 400, 1234, rows];
      const parts = cuts.slice(1).map((to, i) => reader.scan({ ...query, from: cuts[i]!, to }));
      parts.forEach((part, i) => {
        for (const row of part.rows) {
          expect(row).toBeGreaterThanOrEqual(cuts[i]!);
          expect(row).toBeLessThan(cuts[i + 1]!);
        }
      });
      const merged = parts
        .flatMap((part) => Array.from(part.rows, (row, i) => ({ row, score: part.scores[i]! })))
        .sort((a, b) => b.score - a.score)
        .slice(0, 50);
      const best = Array.from(whole.rows, (row, i) => ({ row, score: whole.scores[i]! })).sort(
        (a, b) => b.score - a.score,
      );
      expect(best).toHaveLength(50);
      expect(merged).toEqual(best);
    },
  );

  it('refuses a query of other dims', () => {
    const reader = catalog.reader();
    expect(() =>
      reader.search({ vector: new Float32Array(DIMS + 1), filter: {}, candidates: 5 }),
    ).toThrow(TypeError);
  });
});

describe('VectorStoreReader on a product with more photos than a kernel block', () => {
  it('finds its best photo, filtered or not, beside small products', () => {
    const catalog = new VectorStoreWithCatalog(DIMS);
    const random = seededRandom(9);
    const many = Array.from({ length: 1100 }, () => ({ vector: randomUnitVector(DIMS, random) }));
    const small = (id: string) => ({
      id,
      category: 'small',
      price: 1,
      inStock: true,
      tags: [],
      images: [{ vector: randomUnitVector(DIMS, random) }],
    });
    catalog.put(small('before'));
    catalog.put({ id: 'big', category: 'big', price: 1, inStock: true, tags: [], images: many });
    catalog.put(small('after'));
    try {
      const reader = catalog.reader();
      for (const filter of [{}, { category: 'big' }, { maxPrice: 2 }]) {
        const found = reader.search({
          vector: many[1050]!.vector,
          filter: catalog.store.compile(filter)!,
          candidates: 3,
        });
        const hits = nameHits(found, catalog.store.names);
        expect(hits[0]).toMatchObject({ productId: 'big', imageId: 'big#1050' });
        expect(hits[0]!.similarity).toBeCloseTo(1, 5);
        expect(hits.map((hit) => hit.productId).sort()).toEqual(
          'category' in filter ? ['big'] : ['after', 'before', 'big'],
        );
      }
    } finally {
      catalog.close();
    }
  });
});
