/** Synthetic catalog for bench/es-adapter.bench.ts: seeded, so every run indexes the same data. */
import type { ProductDocument } from '../src/domain/product';
import { seededRandom } from '../scripts/lib/seeded-random';

export interface BenchQuery {
  readonly vector: Float32Array;
  readonly text: string;
}

export interface BenchData {
  readonly dims: number;
  /** All image vectors back to back (one image per product), for brute force. */
  readonly vectors: Float32Array;
  readonly docs: ProductDocument[];
  queries: BenchQuery[];
}

const seeded = seededRandom;

/** Standard normal via Box-Muller: normal coordinates give directions uniform on the sphere. */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function unit(out: Float32Array): Float32Array {
  let norm = 0;
  for (const v of out) norm += v * v;
  norm = Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / norm;
  return out;
}

const WORDS = (
  'red blue green black white leather cotton wool silk running walking hiking summer winter ' +
  'classic slim loose vintage modern sport casual formal kids women men unisex travel office ' +
  'shoe boot sandal sneaker hat cap scarf glove bag backpack wallet belt jacket coat shirt dress ' +
  'skirt jeans shorts sock watch ring necklace lamp chair table mug bottle phone case cable'
).split(' ');
const CATEGORIES = ['shoes', 'bags', 'hats', 'clothing', 'home', 'tech', 'jewelry', 'sport'];

function words(random: () => number, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

/** `count` products with one random unit image vector each and short random titles. */
export function makeCatalog(count: number, dims: number, seed: number): BenchData {
  const random = seeded(seed);
  const vectors = new Float32Array(count * dims);
  const docs: ProductDocument[] = [];
  const time = '2024-05-01T12:00:00.000Z';
  for (let n = 0; n < count; n++) {
    const vector = vectors.subarray(n * dims, (n + 1) * dims);
    for (let i = 0; i < dims; i++) vector[i] = gaussian(random);
    unit(vector);
    const id = `b${String(n).padStart(6, '0')}`;
    docs.push({
      id,
      title: words(random, 3),
      description: words(random, 10),
      category: CATEGORIES[n % CATEGORIES.length] as string,
      price: 5 + (n % 200),
      currency: 'USD',
      tags: [WORDS[n % WORDS.length] as string],
      inStock: n % 5 !== 0,
      modelId: 'bench-random-512',
      createdAt: time,
      updatedAt: time,
      images: [
        {
          id: `${id}#0`,
          position: 0,
          url: null,
          filename: null,
          contentSha256: '0'.repeat(64),
          width: 224,
          height: 224,
          vector,
        },
      ],
    });
  }
  return { dims, vectors, docs, queries: [] };
}

/** Random unit query vectors (as hard as it gets for an ANN index) with two-word texts. */
export function makeQueries(data: BenchData, count: number, seed: number): BenchQuery[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => {
    const vector = new Float32Array(data.dims);
    for (let i = 0; i < data.dims; i++) vector[i] = gaussian(random);
    return { vector: unit(vector), text: words(random, 2) };
  });
}

/** Exact top-k product ids by cosine (vectors are unit, so a dot product), ties by id. */
export function exactTopK(data: BenchData, query: Float32Array, k: number): string[] {
  const { dims, vectors } = data;
  const best: Array<{ n: number; s: number }> = [];
  for (let n = 0; n < data.docs.length; n++) {
    let s = 0;
    const base = n * dims;
    for (let i = 0; i < dims; i++) s += (vectors[base + i] as number) * (query[i] as number);
    if (best.length < k || s > (best[best.length - 1] as { s: number }).s) {
      best.push({ n, s });
      best.sort((a, b) => b.s - a.s || a.n - b.n);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => (data.docs[b.n] as ProductDocument).id);
}
