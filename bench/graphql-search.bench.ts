/**
 * The whole GraphQL search path (not a test): a real HTTP server built by `createApp` with the
 * benchmark ViT-B/32 (random weights, `npm run models:bench`), embedding caches off, a catalog
 * of clustered synthetic vectors loaded through the ProductIndex port; text, photo and
 * more-like-this (similarTo one stored product, no model run) searches at 1, 4 and 16 concurrent
 * clients, p50/p95/p99 and the split of each search between the
 * model, kNN, BM25 and the rest (from the service's own /metrics histograms). Then, at the
 * adapter level, how deep the fused path reads now against the old full-depth read, same run.
 * `shaping` (issue 12): facetted, diversified, sorted and collapsed text queries against the
 * plain one, interleaved (graphql-search-shaping.ts).
 *
 *   npm run models:bench -- --out .cache/bench-model/clip-vit-b-32-random
 *   ES_URL=http://127.0.0.1:9200 npx tsx bench/graphql-search.bench.ts --size 10000
 *   npx tsx bench/graphql-search.bench.ts --size 100000 --backends sqlite --runs 100
 *   npx tsx bench/graphql-search.bench.ts --size 10000 --backends sqlite --sections shaping
 *
 * Writes a temp SQLite dir and an Elasticsearch index `gsb-<pid>-...`, both deleted at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { createApp } from '../src/composition/create-app';
import { createIndex } from '../src/composition/create-index';
import type { Config } from '../src/config/load-config';
import { loadConfig } from '../src/config/load-config';
import { createHttpServer } from '../src/http/http-server';
import { createLogger } from '../src/observability/logger';
import type { ProductIndex } from '../src/ports/product-index.port';
import { loadCorpus, type BenchCorpus } from './inference/photos';
import { clusteredCatalog } from './graphql-search-data';
import { fusedReadFigures } from './graphql-search-reads';
import { shapingFigures } from './graphql-search-shaping';

const program = new Command()
  .option('--size <n>', 'products in the catalog (one photo each)', '10000')
  .option(
    '--backends <list>',
    'sqlite,elasticsearch (elasticsearch needs ES_URL)',
    'sqlite,elasticsearch',
  )
  .option('--clients <list>', 'concurrent clients per cell', '1,4,16')
  .option('--runs <n>', 'searches per cell', '120')
  .option(
    '--kinds <list>',
    'text,photo,similar (more like this by one stored product)',
    'text,photo,similar',
  )
  .option('--model <dir>', 'benchmark model folder', '.cache/bench-model/clip-vit-b-32-random')
  .option(
    '--sections <list>',
    'cells (latency grid), shaping (issue 12), reads',
    'cells,shaping,reads',
  )
  .parse();
const opts = program.opts<{
  size: string;
  backends: string;
  clients: string;
  runs: string;
  model: string;
  kinds: string;
  sections: string;
}>();
const SECTIONS = new Set(opts.sections.split(','));
const SIZE = Number(opts.size);
const RUNS = Number(opts.runs);
const CLIENTS = opts.clients.split(',').map(Number);
const DIMS = 512;
const CLUSTERS = Math.max(10, Math.round(SIZE / 100));
const KINDS = opts.kinds.split(',') as Array<Cell['kind']>;
const QUERY = `query S($text: String, $image: Upload, $similarTo: [ProductRefInput!]) {
  similarImages(text: $text, image: $image, similarTo: $similarTo, first: 20) {
    edges { node { score product { id title price } matchedImage { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function baseEnv(dataDir: string, esUrl: string | undefined): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    MODEL_DIR: path.resolve(opts.model),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // The split per search is read from the public /metrics, which with keys asks for an admin
    // key; a separate metrics listener on a fixed port would collide with any other running bench.
    AUTH_MODE: 'off',
    METRICS_PORT: '0',
    // One client address sends every search: production's per-address limit would cut runs short.
    RATE_LIMIT_ANONYMOUS: '0',
    TEXT_CACHE_SIZE: '0',
    IMAGE_CACHE_SIZE: '0',
    ...(esUrl === undefined ? {} : { ES_URL: esUrl, ES_INDEX_PREFIX: `gsb-${process.pid}` }),
  };
}

async function modelIdOf(config: Config): Promise<string> {
  const app = await createApp(config, createLogger(config.log));
  await app.close();
  return app.modelId;
}

/** The catalog's product ids, in load order: the more-like-this queries cycle through them. */
let productIds: string[] = [];

async function loadCatalog(config: Config, modelId: string): Promise<number> {
  const data = clusteredCatalog(SIZE, DIMS, CLUSTERS);
  productIds = data.docs.map((doc) => doc.id);
  const index = createIndex(config.index, createLogger(config.log), { modelId, dims: DIMS });
  await index.open();
  const started = performance.now();
  const docs = data.docs.map((doc) => ({ ...doc, modelId }));
  for (let i = 0; i < docs.length; i += 1000) await index.upsertMany(docs.slice(i, i + 1000));
  await index.close();
  return (performance.now() - started) / 1000;
}

/** The service's /metrics text; fails loudly rather than report a split of zeros. */
async function metricsText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.text();
}

/** Sum and count of every histogram series in a /metrics text, by name and labels. */
function histograms(text: string): Map<string, { sum: number; count: number }> {
  const map = new Map<string, { sum: number; count: number }>();
  for (const line of text.split('\n')) {
    const match = /^(\w+)_(sum|count)(\{[^}]*\})? ([\d.e+-]+)$/.exec(line);
    if (match === null) continue;
    const key = `${match[1]}${match[3] ?? ''}`;
    const entry = map.get(key) ?? { sum: 0, count: 0 };
    entry[match[2] as 'sum' | 'count'] = Number(match[4]);
    map.set(key, entry);
  }
  return map;
}

function seriesSum(map: Map<string, { sum: number }>, name: string, label: string): number {
  let sum = 0;
  for (const [key, value] of map) if (key.includes(name) && key.includes(label)) sum += value.sum;
  return sum;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function request(
  url: string,
  text: string | undefined,
  photo: Uint8Array | undefined,
  similarTo?: string,
): Promise<void> {
  let response: Response;
  if (photo === undefined) {
    const variables =
      similarTo === undefined ? { text } : { similarTo: [{ productId: similarTo }] };
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY, variables }),
    });
  } else {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: QUERY, variables: { image: null } }));
    form.set('map', JSON.stringify({ 0: ['variables.image'] }));
    form.set('0', new Blob([Buffer.from(photo)], { type: 'image/png' }), 'q.png');
    response = await fetch(url, {
      method: 'POST',
      headers: { 'apollo-require-preflight': 'true' },
      body: form,
    });
  }
  const body = (await response.json()) as {
    errors?: unknown[];
    data?: { similarImages?: { edges: unknown[] } };
  };
  if (body.errors !== undefined || (body.data?.similarImages?.edges.length ?? 0) === 0) {
    throw new Error(`search failed: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

interface Cell {
  kind: 'text' | 'photo' | 'similar';
  clients: number;
}

async function measureCell(
  url: string,
  metricsUrl: string,
  corpus: BenchCorpus,
  cell: Cell,
): Promise<Measured> {
  const before = histograms(await metricsText(metricsUrl));
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const client = async (): Promise<void> => {
    while (next < RUNS) {
      const i = next++;
      const t = performance.now();
      if (cell.kind === 'text')
        await request(url, `${corpus.queries[i % corpus.queries.length]} ${i}`, undefined);
      else if (cell.kind === 'similar')
        await request(url, undefined, undefined, productIds[(i * 7919) % productIds.length]);
      else await request(url, undefined, corpus.photos[i % corpus.photos.length]?.bytes);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: cell.clients }, client));
  const seconds = (performance.now() - started) / 1000;
  const after = histograms(await metricsText(metricsUrl));
  const delta = (name: string, label: string) =>
    ((seriesSum(after, name, label) - seriesSum(before, name, label)) * 1000) / RUNS;
  const embedKind = cell.kind === 'text' ? 'kind="text"' : 'kind="image"';
  const embed = delta('embedding_batch_duration_seconds', embedKind);
  const knn = delta('index_request_duration_seconds', 'method="searchVector"');
  const stored = delta('index_request_duration_seconds', 'method="getImageVectors"');
  const bm25 = delta('index_request_duration_seconds', 'method="searchKeyword"');
  const getMany = delta('index_request_duration_seconds', 'method="getMany"');
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((s, v) => s + v, 0) / latencies.length;
  const f = (v: number) => v.toFixed(1).padStart(6);
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const row =
    `| ${cell.kind} | ${cell.clients} | ${f(p50)} | ${f(p95)} | ${f(percentile(latencies, 99))} | ` +
    `${(RUNS / seconds).toFixed(1)} | ${f(mean)} | ${f(embed)} | ${f(knn)} | ${f(bm25)} | ${f(getMany)} | ${f(stored)} |`;
  return { cell, row, p50, p95 };
}

interface Measured {
  readonly cell: Cell;
  readonly row: string;
  readonly p50: number;
  readonly p95: number;
}

/** Each kind's p50 and p95 as a ratio of the plain text search's at the same concurrency. */
function ratiosToText(measured: readonly Measured[]): void {
  const text = new Map(
    measured.filter((m) => m.cell.kind === 'text').map((m) => [m.cell.clients, m]),
  );
  const others = measured.filter((m) => m.cell.kind !== 'text' && text.has(m.cell.clients));
  if (others.length === 0) return;
  out('\n| search vs text, same run | clients | p50 ratio | p95 ratio |');
  out('|---|---|---|---|');
  for (const m of others) {
    const base = text.get(m.cell.clients)!;
    out(
      `| ${m.cell.kind} | ${m.cell.clients} | ${(m.p50 / base.p50).toFixed(2)}x | ${(m.p95 / base.p95).toFixed(2)}x |`,
    );
  }
}

async function runBackend(backend: string, corpus: BenchCorpus): Promise<void> {
  const esUrl =
    backend === 'elasticsearch' ? (process.env.ES_URL ?? 'http://127.0.0.1:9200') : undefined;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gsb-'));
  const config = loadConfig(baseEnv(dataDir, esUrl));
  let index: ProductIndex | undefined;
  try {
    const modelId = await modelIdOf(config);
    const loadSeconds = await loadCatalog(config, modelId);
    out(
      `\n### ${backend}, ${SIZE} products (${CLUSTERS} clusters), loaded through the port in ${loadSeconds.toFixed(1)} s\n`,
    );
    const logger = createLogger(config.log);
    const app = await createApp(config, logger);
    const http = createHttpServer({ app, config, logger });
    const { url } = await http.listen();
    try {
      // Warm-up: the first model runs and the first index reads pay for allocation and caches.
      for (let i = 0; i < 5; i++) {
        await request(`${url}${config.http.graphqlPath}`, `warm up ${i}`, undefined);
        await request(`${url}${config.http.graphqlPath}`, undefined, corpus.photos[i]?.bytes);
      }
      if (SECTIONS.has('cells')) {
        out(
          '| search | clients | p50 ms | p95 ms | p99 ms | searches/s | mean ms | embedding ms | kNN ms | BM25 ms | getMany ms | stored vectors ms |',
        );
        out('|---|---|---|---|---|---|---|---|---|---|---|---|');
        const measured: Measured[] = [];
        for (const kind of KINDS) {
          for (const clients of CLIENTS) {
            const cell = await measureCell(
              `${url}${config.http.graphqlPath}`,
              `${url}/metrics`,
              corpus,
              {
                kind,
                clients,
              },
            );
            out(cell.row);
            measured.push(cell);
          }
        }
        ratiosToText(measured);
      }
      if (SECTIONS.has('shaping')) {
        await shapingFigures(`${url}${config.http.graphqlPath}`, corpus.queries, RUNS, out);
      }
    } finally {
      await http.close();
      await app.close();
    }
    if (SECTIONS.has('reads')) {
      index = createIndex(config.index, logger, { modelId, dims: DIMS });
      await index.open();
      await fusedReadFigures(index, DIMS, config.search, out);
    }
  } finally {
    await index?.close();
    if (esUrl !== undefined) await deleteIndices(esUrl, `gsb-${process.pid}-*`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Elasticsearch refuses wildcard deletes by default (destructive_requires_name): one by one. */
async function deleteIndices(esUrl: string, pattern: string): Promise<void> {
  const listed = await fetch(`${esUrl}/_cat/indices/${pattern}?h=index&format=json`);
  const names = (await listed.json()) as Array<{ index: string }>;
  for (const { index } of names) await fetch(`${esUrl}/${index}`, { method: 'DELETE' });
}

async function main(): Promise<void> {
  out(
    `machine: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; ${RUNS} searches per cell, first: 20, caches off`,
  );
  const corpus = await loadCorpus(64);
  for (const backend of opts.backends.split(',')) await runBackend(backend, corpus);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
