/**
 * The "minimal client" side of bench/es-adapter.bench.ts: the adapter's requests written out by
 * hand and sent with plain fetch, plus a tiny RRF, so adapter overhead shows as a ratio.
 */

export interface Timing {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function timing(times: number[]): Timing {
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) };
}

/**
 * Runs `runs` rounds spread over `clients` concurrent loops; each round calls `a` then `b` with
 * the same input, so both see the same load (the machine is shared) and their ratio is fair.
 * Latency percentiles in ms for each.
 */
export async function measurePair(
  clients: number,
  runs: number,
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
): Promise<[Timing, Timing]> {
  const timesA: number[] = [];
  const timesB: number[] = [];
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < runs) {
      const i = next++;
      let started = performance.now();
      await a(i);
      timesA.push(performance.now() - started);
      started = performance.now();
      await b(i);
      timesB.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return [timing(timesA), timing(timesB)];
}

interface RawHit {
  _id: string;
  _score: number;
}

async function search(url: string, alias: string, body: unknown): Promise<RawHit[]> {
  const response = await fetch(`${url}/${alias}/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { hits: { hits: RawHit[] } };
  return json.hits.hits;
}

/** The same body the adapter sends for k (k + 5 hits, num_candidates, rescoring, inner_hits). */
export function rawKnn(
  url: string,
  alias: string,
  vector: Float32Array,
  k: number,
  tuning: { numCandidates?: number; oversample?: number } = {},
): Promise<RawHit[]> {
  const size = k + 5;
  return search(url, alias, {
    knn: {
      field: 'images.vector',
      query_vector: Array.from(vector),
      k: size,
      num_candidates: tuning.numCandidates ?? Math.max(size * 10, 1000),
      rescore_vector: { oversample: tuning.oversample ?? 3 },
      inner_hits: { size: 1, _source: false, fields: ['images.id'] },
    },
    size,
    _source: false,
    track_total_hits: false,
  });
}

function rawKeyword(url: string, alias: string, text: string, k: number): Promise<RawHit[]> {
  return search(url, alias, {
    query: {
      bool: {
        must: {
          multi_match: { query: text, fields: ['title^2', 'description'], type: 'most_fields' },
        },
        filter: [],
      },
    },
    size: k + 5,
    _source: false,
    track_total_hits: false,
  });
}

/** kNN and BM25 in parallel, fused with reciprocal rank fusion (k = 60). */
export async function rawHybrid(
  url: string,
  alias: string,
  vector: Float32Array,
  text: string,
  k: number,
): Promise<string[]> {
  const lists = await Promise.all([rawKnn(url, alias, vector, k), rawKeyword(url, alias, text, k)]);
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.slice(0, k).forEach((hit, rank) => {
      scores.set(hit._id, (scores.get(hit._id) ?? 0) + 1 / (60 + rank + 1));
    });
  }
  return [...scores.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}
