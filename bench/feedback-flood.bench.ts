/**
 * Can a flood of recordInteractions slow searches? (Not a test.) A real HTTP server built by
 * `createApp`, a synthetic catalog loaded through the ProductIndex port; text searches from a
 * few clients, p50/p95, first alone, then while other clients send recordInteractions batches
 * as fast as the server answers them, then alone again (to see drift), all in one run; the
 * ratio is flood / first alone. Two searches: plain, and with popularityWeight (which reads
 * popularity from the store the flood writes to, and the whole search depth).
 *
 *   npx tsx bench/feedback-flood.bench.ts                       # SQLite, the tests' toy model
 *   ES_URL=http://127.0.0.1:9200 npx tsx bench/feedback-flood.bench.ts --backends sqlite,elasticsearch
 *
 * Writes a temp SQLite dir and Elasticsearch indices `ffb-<pid>-...`, deleted at the end.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Command } from 'commander';
import { createApp } from '../src/composition/create-app';
import { createIndex } from '../src/composition/create-index';
import type { Config } from '../src/config/load-config';
import { loadConfig } from '../src/config/load-config';
import { createHttpServer } from '../src/http/http-server';
import { createLogger } from '../src/observability/logger';
import { clusteredCatalog } from './graphql-search-data';

const program = new Command()
  .option('--size <n>', 'products in the catalog', '5000')
  .option('--backends <list>', 'sqlite,elasticsearch (elasticsearch needs ES_URL)', 'sqlite')
  .option('--runs <n>', 'searches per phase', '300')
  .option('--search-clients <n>', 'concurrent search clients', '4')
  .option('--flood-clients <n>', 'concurrent recordInteractions clients', '8')
  .option('--batch <n>', 'events per recordInteractions request', '100')
  .option('--model <dir>', 'model folder', '.cache/toy-model')
  .option(
    '--per-key <list>',
    'requests per second per key to run with (RATE_LIMIT_PER_KEY over a 1 s window; the flood sends one storefront key; 0 = no limit)',
    '0,10',
  )
  .parse();
const opts = program.opts<Record<string, string>>();
const SIZE = Number(opts.size);
const RUNS = Number(opts.runs);
const SEARCH_CLIENTS = Number(opts.searchClients);
const FLOOD_CLIENTS = Number(opts.floodClients);
const BATCH = Number(opts.batch);
const WORDS =
  'red blue green black leather cotton running summer classic sport shoe bag jacket'.split(' ');
const SEARCH = `query S($text: String, $w: Float) {
  similarImages(text: $text, first: 20, popularityWeight: $w) { edges { node { score product { id } } } }
}`;
const RECORD = `mutation R($events: [InteractionInput!]!) { recordInteractions(events: $events) { recorded } }`;

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function post(
  url: string,
  query: string,
  variables: unknown,
): Promise<{ errors?: Array<{ extensions?: { code?: string } }> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** RUNS searches from SEARCH_CLIENTS clients; latencies sorted, in ms. */
async function searches(url: string, weight: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < RUNS) {
      const i = next++;
      const text = `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]}`;
      const started = performance.now();
      const body = await post(url, SEARCH, { text, w: weight });
      if (body.errors !== undefined) throw new Error(`search failed: ${JSON.stringify(body)}`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: SEARCH_CLIENTS }, client));
  return latencies.sort((a, b) => a - b);
}

interface FloodTally {
  recorded: number;
  requests: number;
  refused: number;
}

/**
 * The flood's clients, on a thread of their own: they must not share the server's event loop
 * (a real flood arrives from other machines), only the machine's cores.
 */
const FLOOD_CLIENTS_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, ids, words, batch, clients, query, key } = workerData;
const tally = { recorded: 0, requests: 0, refused: 0, failure: undefined };
let running = true;
parentPort.on('message', () => { running = false; });
async function client() {
  while (running) {
    const events = Array.from({ length: batch }, () => ({
      type: Math.random() < 0.8 ? 'CLICK' : 'VIEW',
      productId: ids[Math.floor(Math.random() * ids.length)],
      query: words[Math.floor(Math.random() * words.length)],
      sessionId: 's' + Math.floor(Math.random() * 1000),
    }));
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + key },
      body: JSON.stringify({ query, variables: { events } }),
    });
    const body = await response.json();
    tally.requests += 1;
    const code = body.errors && body.errors[0].extensions && body.errors[0].extensions.code;
    if (code === undefined) tally.recorded += batch;
    else if (code === 'OVERLOADED' || code === 'RATE_LIMITED') tally.refused += 1;
    else { tally.failure = JSON.stringify(body).slice(0, 300); running = false; }
  }
}
Promise.all(Array.from({ length: clients }, client)).then(() => parentPort.postMessage(tally));
`;

/** Sends recordInteractions batches back to back from FLOOD_CLIENTS clients until stopped. */
function flood(
  url: string,
  ids: readonly string[],
  key: string,
): { stop: () => Promise<FloodTally> } {
  const worker = new Worker(FLOOD_CLIENTS_SOURCE, {
    eval: true,
    workerData: {
      url,
      ids,
      words: WORDS,
      batch: BATCH,
      clients: FLOOD_CLIENTS,
      query: RECORD,
      key,
    },
  });
  const done = new Promise<FloodTally & { failure?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const tally = await done;
      await worker.terminate();
      if (tally.failure !== undefined)
        throw new Error(`recordInteractions failed: ${tally.failure}`);
      return tally;
    },
  };
}

/** Sum and count of a histogram in a /metrics text. */
function histogram(text: string, name: string): { sum: number; count: number } {
  const value = (suffix: string) =>
    Number(new RegExp(`^${name}_${suffix} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: value('sum'), count: value('count') };
}

async function loadCatalog(config: Config, modelId: string, dims: number): Promise<string[]> {
  const data = clusteredCatalog(SIZE, dims, Math.max(10, Math.round(SIZE / 100)));
  const index = createIndex(config.index, createLogger(config.log), { modelId, dims });
  await index.open();
  const docs = data.docs.map((doc) => ({ ...doc, modelId }));
  for (let i = 0; i < docs.length; i += 1000) await index.upsertMany(docs.slice(i, i + 1000));
  await index.close();
  return docs.map((doc) => doc.id);
}

async function runBackend(backend: string): Promise<void> {
  const esUrl =
    backend === 'elasticsearch' ? (process.env.ES_URL ?? 'http://127.0.0.1:9200') : undefined;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ffb-'));
  const prefix = `ffb-${process.pid}`;
  const env = (perKey: string) => ({
    NODE_ENV: 'test',
    PORT: '0',
    MODEL_DIR: path.resolve(opts.model as string),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    METRICS_PORT: '0',
    TEXT_CACHE_SIZE: '0',
    // Writes need keys (the flood sends a storefront key); searches stay open and unlimited.
    AUTH_MODE: 'keys',
    // A 1 s window: the same rate as N x 60 per minute, without a minute's burst up front.
    RATE_LIMIT_PER_KEY: perKey,
    RATE_LIMIT_WINDOW_SECONDS: '1',
    ...(esUrl === undefined ? {} : { ES_URL: esUrl, ES_INDEX_PREFIX: prefix }),
  });
  try {
    const first = loadConfig(env('0'));
    const probe = await createApp(first, createLogger(first.log));
    const { modelId } = probe;
    await probe.close();
    const modelConfig = path.join(path.resolve(opts.model as string), 'config.json');
    const dims = (JSON.parse(await readFile(modelConfig, 'utf8')) as { embed_dim: number })
      .embed_dim;
    const ids = await loadCatalog(first, modelId, dims);
    out(`\n### ${backend}, ${SIZE} products\n`);
    out(
      '| search | flood from one key | alone p50 / p95 ms | flood p50 / p95 ms | after p50 / p95 ms | flood / alone (p50, p95) | events/s recorded | requests refused | events per write |',
    );
    out('|---|---|---|---|---|---|---|---|---|');
    for (const perKey of (opts.perKey as string).split(',')) {
      await measureServer(loadConfig(env(perKey)), ids, perKey);
    }
  } finally {
    if (esUrl !== undefined) await deleteIndices(esUrl, `${prefix}-*`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function measureServer(config: Config, ids: readonly string[], perKey: string) {
  const app = await createApp(config, createLogger(config.log));
  const http = createHttpServer({ app, config, logger: createLogger(config.log) });
  const { url: origin } = await http.listen();
  const url = `${origin}${config.http.graphqlPath}`;
  const metricsUrl = `${origin}/metrics`;
  try {
    const admin = await app.access.createKey({ name: 'bench-admin', scopes: ['admin'] });
    const storefront = await app.access.createKey({
      name: 'bench-storefront',
      scopes: ['interactions:write'],
    });
    const metrics = async () =>
      (await fetch(metricsUrl, { headers: { authorization: `Bearer ${admin.key}` } })).text();
    await searches(url, 0);
    const limit = perKey === '0' ? 'no rate limit' : `${perKey} requests/s per key`;
    for (const weight of [0, 0.05]) {
      const alone = await searches(url, weight);
      const before = await metrics();
      const started = performance.now();
      const flooding = flood(url, ids, storefront.key);
      const during = await searches(url, weight);
      const tally = await flooding.stop();
      const seconds = (performance.now() - started) / 1000;
      const after = await metrics();
      const again = await searches(url, weight);
      const name = 'product_search_interaction_write_events';
      const writes = histogram(after, name).count - histogram(before, name).count;
      const events = histogram(after, name).sum - histogram(before, name).sum;
      const f = (v: number) => v.toFixed(1);
      const pair = (l: number[]) => `${f(percentile(l, 50))} / ${f(percentile(l, 95))}`;
      const ratio = (p: number) => (percentile(during, p) / percentile(alone, p)).toFixed(2);
      out(
        `| ${weight === 0 ? 'text' : `text, popularityWeight ${weight}`} | ${limit} | ${pair(alone)} | ${pair(during)} | ${pair(again)} | ${ratio(50)}x, ${ratio(95)}x | ${Math.round(tally.recorded / seconds)} | ${tally.refused} of ${tally.requests} | ${writes === 0 ? '-' : f(events / writes)} |`,
      );
    }
  } finally {
    await http.close();
    await app.close();
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
    `machine: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; ${RUNS} searches per phase from ${SEARCH_CLIENTS} clients; flood: ${FLOOD_CLIENTS} clients x ${BATCH} events per request`,
  );
  for (const backend of opts.backends!.split(',')) await runBackend(backend);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
