/**
 * Elasticsearch adapter benchmark (not a test): bulk indexing throughput, kNN-only and hybrid
 * query latency at 1 and 8 concurrent clients next to the same requests sent raw with fetch,
 * and recall@10 of the approximate kNN against exact brute-force cosine.
 *
 *   npx tsx bench/es-adapter.bench.ts            (ES_URL, default http://127.0.0.1:9200)
 *   BENCH_DOCS=20000 npx tsx bench/es-adapter.bench.ts   (a smaller run)
 *
 * Writes nothing but an index `bench-<pid>-...`, deleted at the end.
 */
import os from 'node:os';
import { ElasticsearchProductIndex } from '../src/adapters/elasticsearch/elasticsearch-product-index';
import type { ElasticsearchIndexSettings } from '../src/config/load-config';
import { loadConfig } from '../src/config/load-config';
import type { ProductDocument } from '../src/domain/product';
import { fuse } from '../src/services/search/fusion';
import { exactTopK, makeCatalog, makeQueries, type BenchData } from './es-bench-data';
import { measurePair, rawHybrid, rawKnn, type Timing } from './es-bench-queries';

const URL = (process.env.ES_URL ?? 'http://127.0.0.1:9200').replace(/\/+$/, '');
const DOCS = Number(process.env.BENCH_DOCS ?? 100_000);
const DIMS = 512;
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const INDEX_CONCURRENCY = Number(process.env.BENCH_INDEX_CONCURRENCY ?? 2);
const QUERIES = 100;
const K = 10;
const ES = elasticsearchSettings();
const RUNS_PER_CLIENT = Number(process.env.BENCH_RUNS ?? 100);

/** HNSW and timeout as the service would read them (ES_HNSW_M, ES_HNSW_EF_CONSTRUCTION, ...). */
function elasticsearchSettings(): ElasticsearchIndexSettings {
  const index = loadConfig({ ...process.env, ES_URL: URL }).index;
  if (index.kind !== 'elasticsearch')
    throw new Error('ES_URL is set, so the index is Elasticsearch');
  return index;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function es(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${URL}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

async function indexAll(index: ElasticsearchProductIndex, data: BenchData): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < data.docs.length) {
      const batch: ProductDocument[] = data.docs.slice(next, next + BATCH);
      next += BATCH;
      const result = await index.upsertMany(batch, { refresh: false });
      failed += result.filter((outcome) => outcome !== null).length;
    }
  };
  const settings = `/${index.names.alias}/_settings`;
  const esCpuBefore = await esCpuMs();
  const ownCpuBefore = process.cpuUsage();
  const started = performance.now();
  // Standard bulk-load practice: no periodic refresh while loading, so Lucene writes a few
  // large segments (each with one HNSW graph) instead of one small segment per second to merge.
  await es('PUT', settings, { index: { refresh_interval: '-1' } });
  await Promise.all(Array.from({ length: INDEX_CONCURRENCY }, worker));
  await es('PUT', settings, { index: { refresh_interval: null } });
  await es('POST', `/${index.names.alias}/_refresh`);
  const seconds = (performance.now() - started) / 1000;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const esCpu = ((await esCpuMs()) - esCpuBefore) / 1000;
  const benchCpu = (ownCpu.user + ownCpu.system) / 1e6;
  // CPU seconds do not depend on what else the shared machine runs; wall time does.
  out(
    `indexing CPU: Elasticsearch ${esCpu.toFixed(1)} s + bench process ${benchCpu.toFixed(1)} s` +
      ` = ${((esCpu + benchCpu) / os.cpus().length).toFixed(1)} s of wall time on ${os.cpus().length} idle cores`,
  );
  if (failed > 0) throw new Error(`${failed} products failed to index`);
  return seconds;
}

async function esCpuMs(): Promise<number> {
  const stats = (await es('GET', '/_nodes/_local/stats/process')) as {
    nodes: Record<string, { process: { cpu: { total_in_millis: number } } }>;
  };
  return Object.values(stats.nodes)[0]?.process.cpu.total_in_millis ?? NaN;
}

function row(name: string, adapter: Timing, raw: Timing): string {
  const f = (n: number): string => n.toFixed(1).padStart(7);
  return (
    `${name.padEnd(22)} adapter p50/p95/p99 ${f(adapter.p50)} ${f(adapter.p95)} ${f(adapter.p99)} ms` +
    ` | raw ${f(raw.p50)} ${f(raw.p95)} ${f(raw.p99)} ms | ratio p50 ${(adapter.p50 / raw.p50).toFixed(2)}x`
  );
}

async function latency(index: ElasticsearchProductIndex, data: BenchData): Promise<void> {
  const alias = index.names.alias;
  const queries = data.queries;
  const pick = (i: number): { vector: Float32Array; text: string } =>
    queries[i % queries.length] as { vector: Float32Array; text: string };
  const knn = (i: number) => index.searchVector({ vector: pick(i).vector, filter: {}, k: K });
  const hybrid = async (i: number) => {
    const q = pick(i);
    const [vector, keyword] = await Promise.all([
      index.searchVector({ vector: q.vector, filter: {}, k: K }),
      index.searchKeyword({ text: q.text, filter: {}, k: K }),
    ]);
    const items = (list: Array<{ productId: string; score: number; imageId?: string }>) =>
      list.map((h) => ({ productId: h.productId, imageId: h.imageId ?? null, score: h.score }));
    return fuse(
      [
        {
          weightKey: 'image',
          scale: 'cosine',
          items: vector.map((h) => ({ ...h, score: h.similarity })),
        },
        { weightKey: 'keyword', scale: 'bm25', items: items(keyword) },
      ],
      { mode: 'RRF', weights: { image: 1, text: 1, keyword: 1, examples: 1 }, rrfK: 60 },
    );
  };
  const rawKnnCall = (i: number) => rawKnn(URL, alias, pick(i).vector, K);
  const rawHybridCall = (i: number) => rawHybrid(URL, alias, pick(i).vector, pick(i).text, K);
  await measurePair(1, 30, knn, rawKnnCall); // warm-up: JIT on both sides, caches
  for (const clients of [1, 8]) {
    const runs = RUNS_PER_CLIENT * clients;
    out(row(`kNN, ${clients} client(s)`, ...(await measurePair(clients, runs, knn, rawKnnCall))));
    const hybridTimes = await measurePair(clients, runs, hybrid, rawHybridCall);
    out(row(`hybrid, ${clients} client(s)`, ...hybridTimes));
  }
}

async function recall(index: ElasticsearchProductIndex, data: BenchData): Promise<number> {
  let found = 0;
  for (const query of data.queries) {
    const exact = new Set(exactTopK(data, query.vector, K));
    const hits = await index.searchVector({ vector: query.vector, filter: {}, k: K });
    found += hits.filter((hit) => exact.has(hit.productId)).length;
  }
  return found / (data.queries.length * K);
}

/** Recall and single-client p50 of raw kNN requests at other num_candidates / oversample. */
async function recallSweep(alias: string, data: BenchData): Promise<void> {
  const exact = data.queries.map((q) => new Set(exactTopK(data, q.vector, K)));
  for (const [numCandidates, oversample] of [
    [150, 3],
    [500, 3],
    [1000, 3],
    [1000, 10],
    [3000, 10],
  ] as const) {
    let found = 0;
    const times: number[] = [];
    for (const [n, query] of data.queries.entries()) {
      const started = performance.now();
      const hits = await rawKnn(URL, alias, query.vector, K, { numCandidates, oversample });
      times.push(performance.now() - started);
      found += hits.slice(0, K).filter((hit) => exact[n]?.has(hit._id)).length;
    }
    times.sort((a, b) => a - b);
    out(
      `  raw kNN num_candidates=${numCandidates} oversample=${oversample}: recall@${K} ` +
        `${(found / (data.queries.length * K)).toFixed(3)}, p50 ${times[times.length >> 1]?.toFixed(1)} ms`,
    );
  }
}

async function main(): Promise<void> {
  out(
    `machine: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
  );
  const health = (await es('GET', '/_cluster/health')) as { status?: string };
  out(
    `elasticsearch ${URL}: ${health.status ?? 'unreachable'}; ${DOCS} products x 1 image, ${DIMS}-d, HNSW m=${ES.hnsw.m} ef_construction=${ES.hnsw.efConstruction}`,
  );
  const data = makeCatalog(DOCS, DIMS, 42);
  data.queries = makeQueries(data, QUERIES, 4242);
  const index = new ElasticsearchProductIndex({
    node: URL,
    indexPrefix: `bench-${process.pid}`,
    binding: { modelId: 'bench-random-512', dims: DIMS },
    hnsw: ES.hnsw,
    requestTimeoutMs: ES.requestTimeoutMs,
  });
  await index.open();
  try {
    const seconds = await indexAll(index, data);
    out(
      `indexed ${DOCS} in ${seconds.toFixed(1)} s = ${Math.round(DOCS / seconds)} docs/s (batch ${BATCH}, ${INDEX_CONCURRENCY} concurrent bulks)`,
    );
    if (process.env.BENCH_INDEX_ONLY === '1') return;
    const segments = (await es(
      'GET',
      `/_cat/segments/${index.names.index}?format=json`,
    )) as unknown[];
    out(`segments after refresh: ${segments.length}`);
    out(
      `recall@${K} (approximate kNN vs exact cosine, ${QUERIES} queries): ${(await recall(index, data)).toFixed(3)}`,
    );
    if (process.env.BENCH_SWEEP !== '0') await recallSweep(index.names.alias, data);
    await latency(index, data);
  } finally {
    await es('DELETE', `/${index.names.index}`);
    await index.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
