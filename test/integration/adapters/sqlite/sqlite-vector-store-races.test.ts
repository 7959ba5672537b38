// The in-memory vector index re-scores its candidates from SQLite: a write that lands between
// a search's int8 scan and its SQLite read (real store, real in-memory SQLite with the real
// schema and writer; the write runs at that moment through the reader's re-score hook).
import { cosine } from 'simsimd';
import type { VectorStoreReader } from '../../../../src/adapters/sqlite/sqlite-vector-reader';
import type { StoredProduct } from '../../../../src/adapters/sqlite/sqlite-vector-store';
import { nameHits } from '../../../../src/adapters/sqlite/sqlite-vector-store';
import { axisVector } from '../../../helpers/product-fixtures';
import { VectorStoreWithCatalog } from '../../../helpers/vector-store-with-catalog';

const DIMS = 16;

function product(id: string, axes: number[], price = 10): Omit<StoredProduct, 'pk'> {
  return {
    id,
    category: 'shoes',
    price,
    inStock: true,
    tags: [],
    images: axes.map((axis) => ({ vector: axisVector(DIMS, axis) })),
  };
}

/** A vector at cosine `toFirst` from axis 0, the rest on axis 1. */
function between(toFirst: number): Float32Array {
  const v = new Float32Array(DIMS);
  v[0] = toFirst;
  v[1] = Math.sqrt(1 - toFirst * toFirst);
  return v;
}

describe('VectorStore: a write between the scan and the re-score', () => {
  let catalog: VectorStoreWithCatalog;
  beforeEach(() => {
    catalog = new VectorStoreWithCatalog(DIMS);
    catalog.put(product('a', [0]));
    catalog.put(product('b', [2]));
    catalog.put(product('c', [3]));
  });
  afterEach(() => catalog.close());

  /** One search for `query`, with `write` run once between its scan and its re-score. */
  function search(write: () => void, query: Float32Array = axisVector(DIMS, 0)) {
    const names = catalog.store.names;
    let pending = true;
    const reader: VectorStoreReader = catalog.reader(() => {
      if (pending) write();
      pending = false;
    });
    const found = reader.search({
      vector: query,
      filter: catalog.store.compile({})!,
      candidates: 10,
    });
    expect(pending).toBe(false);
    return { found, hits: nameHits(found, names) };
  }

  it('scores a product re-indexed meanwhile on its current photos, with a current image id', () => {
    const { hits } = search(() => {
      // a now has a weaker first photo and a second one at 0.6 from the query.
      const v = product('a', [4]);
      catalog.put({ ...v, images: [{ vector: axisVector(DIMS, 4) }, { vector: between(0.6) }] });
    });
    const a = hits.find((hit) => hit.productId === 'a');
    expect(a).toEqual({ productId: 'a', imageId: 'a#1', similarity: expect.any(Number) });
    expect(a!.similarity).toBeCloseTo(0.6, 6);
    expect(hits.map((hit) => hit.productId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('drops a product deleted meanwhile and keeps the rest', () => {
    const { found, hits } = search(() => catalog.remove('a'));
    expect(found.productIds).not.toContain('a');
    expect(hits.map((hit) => hit.productId).sort()).toEqual(['b', 'c']);
  });

  it('drops a product re-indexed with no photos meanwhile', () => {
    const { hits } = search(() => catalog.put(product('a', [])));
    expect(hits.map((hit) => hit.productId).sort()).toEqual(['b', 'c']);
  });

  it('drops a hit whose pk a new product took after the scanned one was deleted', () => {
    // c holds the highest pk; once deleted, SQLite hands its pk to the next new product.
    const { found, hits } = search(
      () => {
        catalog.remove('c');
        catalog.put(product('z', [3]));
      },
      axisVector(DIMS, 3),
    );
    expect(found.productIds).toContain('z');
    expect(hits.map((hit) => hit.productId).sort()).toEqual(['a', 'b']);
    expect(hits.every((hit) => hit.imageId.startsWith(`${hit.productId}#`))).toBe(true);
  });

  it('answers as before when nothing was written, bit-identical to the exact cosine', () => {
    const query = between(0.8);
    const { hits } = search(() => undefined, query);
    expect(hits[0]).toEqual({ productId: 'a', imageId: 'a#0', similarity: expect.any(Number) });
    // simsimd's cosine on the same float32 values: the number a float32 copy in memory gave.
    expect(hits[0]!.similarity).toBe(1 - cosine(query, axisVector(DIMS, 0)));
    expect(hits[0]!.similarity).toBeCloseTo(0.8, 6);
  });
});
