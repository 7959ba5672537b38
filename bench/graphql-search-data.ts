/**
 * Catalog, queries and a counting index for bench/graphql-search.bench.ts. Vectors are
 * clustered (Gaussian clusters around random centres), which behaves more like CLIP
 * embeddings than uniform random ones; titles and the rest come from es-bench-data.ts.
 */
import type { KeywordHit, VectorHit } from '../src/domain/search';
import type { KeywordQuery, ProductIndex, VectorQuery } from '../src/ports/product-index.port';
import { seededRandom } from '../scripts/lib/seeded-random';
import { makeCatalog, type BenchData } from './es-bench-data';

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function normalise(v: Float32Array): void {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
}

/** `count` products, one photo each, vectors in `clusters` clusters (spread 0.5 per unit axis). */
export function clusteredCatalog(count: number, dims: number, clusters: number): BenchData {
  const data = makeCatalog(count, dims, 42);
  const random = seededRandom(7);
  const centres = Array.from({ length: clusters }, () => {
    const c = new Float32Array(dims);
    for (let i = 0; i < dims; i++) c[i] = gaussian(random);
    normalise(c);
    return c;
  });
  const spread = 0.5 / Math.sqrt(dims);
  for (let n = 0; n < count; n++) {
    const v = data.vectors.subarray(n * dims, (n + 1) * dims);
    const centre = centres[Math.floor(random() * clusters)] as Float32Array;
    for (let i = 0; i < dims; i++) v[i] = (centre[i] as number) + spread * gaussian(random);
    normalise(v);
  }
  return data;
}

/** What one list read asked for and got, for the adapter-level read figures. */
export interface ReadCounts {
  vectorCalls: number;
  vectorAsked: number;
  /** k of every kNN read, for Elasticsearch request sizes. */
  vectorKs: number[];
  vectorReturned: number;
  keywordCalls: number;
  keywordAsked: number;
  keywordReturned: number;
}

/** Wraps a ProductIndex and counts what the search lists ask for and get back. */
export function countingIndex(inner: ProductIndex): { index: ProductIndex; counts: ReadCounts } {
  const counts: ReadCounts = {
    vectorCalls: 0,
    vectorAsked: 0,
    vectorKs: [],
    vectorReturned: 0,
    keywordCalls: 0,
    keywordAsked: 0,
    keywordReturned: 0,
  };
  const index: ProductIndex = Object.create(inner) as ProductIndex;
  index.searchVector = async (query: VectorQuery): Promise<VectorHit[]> => {
    const hits = await inner.searchVector(query);
    counts.vectorCalls += 1;
    counts.vectorAsked += query.k;
    counts.vectorKs.push(query.k);
    counts.vectorReturned += hits.length;
    return hits;
  };
  index.searchKeyword = async (query: KeywordQuery): Promise<KeywordHit[]> => {
    const hits = await inner.searchKeyword(query);
    counts.keywordCalls += 1;
    counts.keywordAsked += query.k;
    counts.keywordReturned += hits.length;
    return hits;
  };
  return { index, counts };
}
