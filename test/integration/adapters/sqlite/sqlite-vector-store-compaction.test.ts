// The in-memory vector index when a catalog is re-sent again and again: every re-indexed
// product leaves a dead row, and once dead rows outnumber live ones the live rows move to new
// buffers. Memory stays bounded, every search finds the same products, and a search that was
// sent before a compaction still maps its rows with the names of the buffers it scanned.
import type { VectorStoreReader } from '../../../../src/adapters/sqlite/sqlite-vector-reader';
import type {
  StoredProduct,
  VectorStore,
} from '../../../../src/adapters/sqlite/sqlite-vector-store';
import { axisVector } from '../../../helpers/product-fixtures';
import { VectorStoreWithCatalog } from '../../../helpers/vector-store-with-catalog';

const DIMS = 16;
const PRODUCTS = 40;

function product(n: number, price: number): Omit<StoredProduct, 'pk'> {
  return {
    id: `p${n}`,
    category: n % 2 === 0 ? 'even' : 'odd',
    price,
    inStock: true,
    tags: [`t${n % 3}`],
    images: [{ vector: axisVector(DIMS, n % DIMS) }, { vector: axisVector(DIMS, (n + 1) % DIMS) }],
  };
}

/** Every hit for one axis, as (product id, image id), with the names captured with the buffers. */
function search(
  reader: VectorStoreReader,
  names: VectorStore['names'],
  store: VectorStore,
  axis: number,
  filter: Parameters<VectorStore['compile']>[0] = {},
): string[] {
  const compiled = store.compile(filter);
  if (compiled === null) return [];
  const hits = reader.search({ vector: axisVector(DIMS, axis), filter: compiled, candidates: 64 });
  return Array.from(hits.rows, (row, i) => {
    expect(hits.productIds[i]).toBe(names.productIds[row]);
    return `${names.productIds[row]}:${hits.imageIds[i]} ${hits.similarities[i]!.toFixed(3)}`;
  }).sort();
}

describe('VectorStore compaction', () => {
  it('keeps memory bounded over 500 re-sends of a catalog and answers as a fresh store does', () => {
    const catalog = new VectorStoreWithCatalog(DIMS);
    const { store } = catalog;
    const grown: unknown[] = [];
    store.onGrow = (buffers) => grown.push(buffers);
    for (let n = 0; n < PRODUCTS; n++) catalog.put(product(n, n));
    // Peak rows and bytes over the first and the second half of the re-sends.
    const peaks = [
      { rows: 0, bytes: 0 },
      { rows: 0, bytes: 0 },
    ];
    for (let round = 1; round <= 500; round++) {
      for (let n = 0; n < PRODUCTS; n++) catalog.put(product(n, n + round));
      const peak = peaks[round <= 250 ? 0 : 1]!;
      peak.rows = Math.max(peak.rows, store.rows);
      peak.bytes = Math.max(peak.bytes, store.bytes);
    }
    catalog.remove('p0');
    // 20,040 puts: without compaction, 20,040 rows and two vectors each, and growing.
    expect(peaks[1]!.rows).toBeLessThanOrEqual(4096 + 2 * PRODUCTS + 1);
    expect(peaks[1]!.bytes).toBe(peaks[0]!.bytes);
    expect(grown.length).toBeGreaterThan(0);
    expect(store.size).toBe(PRODUCTS - 1);

    const freshCatalog = new VectorStoreWithCatalog(DIMS);
    const fresh = freshCatalog.store;
    for (let n = 1; n < PRODUCTS; n++) freshCatalog.put(product(n, n + 500));
    const readers = [catalog, freshCatalog].map((c) => c.reader());
    for (const axis of [0, 3, 15]) {
      for (const filter of [{}, { category: 'odd' }, { tags: ['t1'], minPrice: 520 }]) {
        expect(search(readers[0]!, store.names, store, axis, filter)).toEqual(
          search(readers[1]!, fresh.names, fresh, axis, filter),
        );
      }
    }
    catalog.close();
    freshCatalog.close();
  });

  it('lets a search sent before a compaction map its rows with the old names', () => {
    const catalog = new VectorStoreWithCatalog(DIMS);
    const { store } = catalog;
    for (let n = 0; n < PRODUCTS; n++) catalog.put(product(n, n));
    // A worker still on these buffers, and the names the read client captured with the call.
    const oldReader = catalog.reader();
    const oldNames = store.names;
    const before = search(oldReader, oldNames, store, 5);
    const oldBuffers = store.buffers;
    while (store.buffers === oldBuffers || store.buffers.rowCapacity > oldBuffers.rowCapacity) {
      // Re-send until a compaction has replaced the buffers with smaller ones.
      for (let n = 0; n < PRODUCTS; n++) catalog.put(product(n, n));
    }
    expect(search(oldReader, oldNames, store, 5)).toEqual(before);
    const newReader = catalog.reader();
    expect(search(newReader, store.names, store, 5)).toEqual(before);
    catalog.close();
  });
});
