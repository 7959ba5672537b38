/**
 * Load benchmark (issue 10; not a test): 64 storefront clients for 60 s against the real
 * service in its own process (`src/main.ts`, NODE_ENV=production: API keys on, query limits,
 * rate limits, the request log at info), mixed legitimate and abusive requests (see
 * bench/load/workload.ts), on either backend.
 *
 *   BENCH_BACKEND=sqlite|elasticsearch npx tsx bench/load.bench.ts
 *
 * Prints per operation: count, rate, p50/p95/p99 and every status + code seen; throughput; 5xx
 * (load shedding apart); service RSS at start, after seeding, at the end and its peak; the p95 of
 * one shopper's text and photo searches alone (measured first, same run) and beside the load,
 * as a ratio; and after the run, that every acknowledged write is there, every acknowledged
 * delete gone and no refused write visible.
 *
 * Knobs: BENCH_CLIENTS (64), BENCH_SECONDS (60), BENCH_BASELINE_SECONDS (15),
 * BENCH_SEED_PRODUCTS (2000), BENCH_MODEL_DIR (the tests' toy model, .cache/toy-model: the model
 * costs almost nothing, so this measures the service around it), RATE_LIMIT_ANONYMOUS (60000:
 * every client has its own address, but the production 600 a minute would turn a closed-loop
 * client into a stream of 429s), ES_URL, BENCH_REPORT (a JSON file for the figures).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom } from '../scripts/lib/seeded-random';
import { createKeyWithCli } from '../test/helpers/keys-cli';
import { toyModelDir } from '../test/helpers/toy-model';
import { postJson, postUpload, type Sender } from './load/requests';
import { startServiceProcess, type ServiceProcess } from '../test/helpers/service-process';
import { Tally, tallyLines } from './load/stats';
import type { Client, Photos, WriteLedger } from './load/workload';
import {
  CATEGORIES,
  COLOURS,
  chooseOperation,
  makePhotos,
  newLedger,
  OPERATIONS,
  photoSearch,
  textSearch,
} from './load/workload';

const BACKEND = process.env['BENCH_BACKEND'] ?? 'sqlite';
const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 64);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 60);
const BASELINE_SECONDS = Number(process.env['BENCH_BASELINE_SECONDS'] ?? 15);
const SEED_PRODUCTS = Number(process.env['BENCH_SEED_PRODUCTS'] ?? 2000);
const MODEL_DIR = process.env['BENCH_MODEL_DIR'] ?? toyModelDir();
const ES_URL = process.env['ES_URL'] ?? 'http://127.0.0.1:9200';
const ES_PREFIX = `bench-load-${process.pid}`;

const out = (line: string) => process.stdout.write(`${line}\n`);

const SEED_BATCH = `mutation($inputs: [ProductInput!]!) {
  indexProducts(inputs: $inputs) { id error { code } } }`;

let seedResets = 0;

async function seed(writer: Sender, photos: Photos): Promise<void> {
  const random = seededRandom(99);
  const batches: number[] = [];
  for (let start = 0; start < SEED_PRODUCTS; start += 10) batches.push(start);
  const worker = async () => {
    for (let start = batches.shift(); start !== undefined; start = batches.shift()) {
      const inputs = [];
      const files: Record<string, { bytes: Buffer; filename: string }> = {};
      for (let i = start; i < Math.min(SEED_PRODUCTS, start + 10); i += 1) {
        const colour = COLOURS[i % COLOURS.length] as string;
        const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)] as string;
        files[`variables.inputs.${inputs.length}.images.0`] = {
          bytes: photos.fresh(colour),
          filename: `s${i}.jpg`,
        };
        inputs.push({
          id: `s${i}`,
          title: `${colour} ${category} number ${i}`,
          description: `A ${colour} item in ${category}`,
          category,
          price: Math.round(random() * 20_000) / 100,
          currency: 'USD',
          tags: [colour],
          images: [null],
        });
      }
      let outcome = await postUpload(writer, SEED_BATCH, { inputs }, files);
      // Shed (a small EMBED_MAX_QUEUE): come back after Retry-After (1 s), as a client should.
      // A shed upload can also reach the client as a reset connection (counted, then retried).
      const shed = () => outcome.code === 'OVERLOADED' || outcome.code.startsWith('NETWORK_');
      for (let retry = 0; shed() && retry < 60; retry += 1) {
        if (outcome.code.startsWith('NETWORK_')) seedResets += 1;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        outcome = await postUpload(writer, SEED_BATCH, { inputs }, files);
      }
      const items = (outcome.data?.['indexProducts'] ?? []) as Array<{ error: unknown }>;
      if (outcome.code !== 'OK' || items.some((item) => item.error !== null)) {
        throw new Error(`seeding failed: ${outcome.status} ${outcome.code}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

function client(id: number, key: string, photos: Photos, ledger: WriteLedger): Client {
  const address = `10.77.${Math.floor(id / 250)}.${(id % 250) + 1}`;
  return {
    id,
    anonymous: { graphqlUrl: '', address },
    writer: { graphqlUrl: '', address, authorization: `Bearer ${key}` },
    random: seededRandom(1000 + id),
    photos,
    seededIds: SEED_PRODUCTS,
    ledger,
    own: [],
    next: 0,
  };
}

function at(c: Client, graphqlUrl: string): Client {
  return {
    ...c,
    anonymous: { ...c.anonymous, graphqlUrl },
    writer: { ...c.writer, graphqlUrl },
  };
}

/** One shopper alternating a text search and a photo search until the deadline. */
async function probe(shopper: Client, tally: Tally, until: number): Promise<void> {
  while (performance.now() < until) {
    tally.add('text search', await textSearch(shopper));
    tally.add('photo search', await photoSearch(shopper));
  }
}

async function loadClient(c: Client, tally: Tally, until: number): Promise<void> {
  while (performance.now() < until) {
    const [kind, operation] = chooseOperation(c);
    tally.add(kind, await operation(c));
  }
}

interface Check {
  readonly present: number;
  readonly missing: string[];
  readonly deletedVisible: string[];
  readonly refusedVisible: string[];
  readonly unknown: number;
}

async function verify(reader: Sender, ledger: WriteLedger): Promise<Check> {
  const ids = [...ledger.present, ...ledger.deleted, ...ledger.refused];
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += 100) {
    const chunk = ids.slice(start, start + 100);
    const outcome = await postJson(reader, 'query($ids: [ID!]!) { products(ids: $ids) { id } }', {
      ids: chunk,
    });
    if (outcome.code !== 'OK') throw new Error(`verification read failed: ${outcome.code}`);
    for (const product of outcome.data?.['products'] as Array<{ id: string } | null>) {
      if (product !== null) found.add(product.id);
    }
  }
  return {
    present: [...ledger.present].filter((id) => found.has(id)).length,
    missing: [...ledger.present].filter((id) => !found.has(id)),
    deletedVisible: [...ledger.deleted].filter((id) => found.has(id)),
    refusedVisible: [...ledger.refused].filter((id) => found.has(id)),
    unknown: ledger.unknown.size,
  };
}

function serviceEnv(dataDir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    MODEL_DIR,
    DATA_DIR: dataDir,
    UPLOAD_TMP_DIR: path.join(dataDir, '..', 'uploads'),
    TRUST_PROXY: 'loopback',
    RATE_LIMIT_ANONYMOUS: process.env['RATE_LIMIT_ANONYMOUS'] ?? '60000',
    ...(BACKEND === 'elasticsearch' ? { ES_URL, ES_INDEX_PREFIX: ES_PREFIX } : { ES_URL: '' }),
  };
}

async function deleteIndices(): Promise<void> {
  const listed = await fetch(`${ES_URL}/_cat/indices/${ES_PREFIX}*?h=index&format=json`);
  const names = (await listed.json()) as Array<{ index: string }>;
  for (const { index } of names) await fetch(`${ES_URL}/${index}`, { method: 'DELETE' });
}

function ratioLine(kind: string, alone: Tally, beside: Tally): string {
  const a = alone.percentile(kind, 95);
  const b = beside.percentile(kind, 95);
  return `one shopper's ${kind}: p95 alone ${a.toFixed(1)} ms (n ${alone.count(kind)}), beside the load ${b.toFixed(1)} ms (n ${beside.count(kind)}): x${(b / a).toFixed(1)}`;
}

async function run(service: ServiceProcess, key: string): Promise<void> {
  const photos = await makePhotos();
  const ledger = newLedger();
  const started = service.memory();
  const writer: Sender = {
    graphqlUrl: service.graphqlUrl,
    address: '10.99.0.1',
    authorization: `Bearer ${key}`,
  };
  const seedStart = performance.now();
  await seed(writer, photos);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const seeded = service.memory();
  const shopper = at(client(9999, key, photos, newLedger()), service.graphqlUrl);
  const warm = new Tally();
  await probe(shopper, warm, performance.now() + 2000);
  const alone = new Tally();
  await probe(shopper, alone, performance.now() + BASELINE_SECONDS * 1000);
  const load = new Tally();
  const beside = new Tally();
  const clients = Array.from({ length: CLIENTS }, (_, i) =>
    at(client(i, key, photos, ledger), service.graphqlUrl),
  );
  const cpuStart = { service: service.cpuSeconds(), clients: process.cpuUsage() };
  const loadAverageStart = os.loadavg()[0] ?? 0;
  const loadStart = performance.now();
  const until = loadStart + SECONDS * 1000;
  await Promise.all([
    probe(shopper, beside, until),
    ...clients.map((c) => loadClient(c, load, until)),
  ]);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const ended = service.memory();
  const serviceCpu = service.cpuSeconds() - cpuStart.service;
  const clientsCpuUs = process.cpuUsage(cpuStart.clients);
  const clientsCpu = (clientsCpuUs.user + clientsCpuUs.system) / 1e6;
  const check = await verify({ ...writer, authorization: undefined }, ledger);
  const errors = load.serverErrors();
  const problems = service.problems();
  // Service settings passed through from the bench's own environment, so a run says what it ran.
  const passed = Object.entries(process.env)
    .filter(([k]) => /^(EMBED_|IMAGE_|TEXT_|UV_|ORT_|SQLITE_|SEARCH_|GRAPHQL_|RATE_)/.test(k))
    .map(([k, v]) => `${k}=${v}`);
  const lines = [
    `service settings from the environment: ${passed.length > 0 ? passed.join(' ') : 'none (defaults)'}; seeding saw ${seedResets} connection resets`,
    `load on ${BACKEND}, model ${path.basename(MODEL_DIR)}, ${CLIENTS} clients + 1 shopper for ${loadSeconds.toFixed(1)} s, ${SEED_PRODUCTS} products seeded in ${seedSeconds.toFixed(1)} s; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}`,
    `CPU during the load: service ${serviceCpu.toFixed(1)} s, load clients ${clientsCpu.toFixed(1)} s, of ${(os.cpus().length * loadSeconds).toFixed(0)} core-seconds; 1-minute load average ${loadAverageStart.toFixed(1)} before, ${(os.loadavg()[0] ?? 0).toFixed(1)} after (other work on the machine counts too)`,
    ...tallyLines(
      load,
      loadSeconds,
      OPERATIONS.map(([kind]) => kind),
    ),
    `throughput: ${load.count()} requests in ${loadSeconds.toFixed(1)} s = ${(load.count() / loadSeconds).toFixed(1)}/s; 5xx: ${errors.all} (${errors.all - errors.notShedding} load shedding 503 OVERLOADED, ${errors.notShedding} other)`,
    ratioLine('text search', alone, beside),
    ratioLine('photo search', alone, beside),
    `service RSS: ${started.rssMb} MiB at start, ${seeded.rssMb} after seeding, ${ended.rssMb} at the end (peak ${ended.peakMb})`,
    `writes: ${check.present}/${ledger.present.size} acknowledged products present, ${check.deletedVisible.length}/${ledger.deleted.size} acknowledged deletes still visible, ${check.refusedVisible.length}/${ledger.refused.size} refused writes visible, ${check.unknown} with an unknown outcome`,
    `service log: ${problems.errorLines} error-level lines, ${problems.stderrLines} stderr lines${problems.samples.length > 0 ? `\n  ${problems.samples.join('\n  ')}` : ''}`,
  ];
  for (const line of lines) out(line);
  const report = process.env['BENCH_REPORT'];
  if (report !== undefined) {
    const kinds = (t: Tally) =>
      Object.fromEntries(
        t.kinds().map((k) => [
          k,
          {
            n: t.count(k),
            p50: t.percentile(k, 50),
            p95: t.percentile(k, 95),
            p99: t.percentile(k, 99),
            codes: Object.fromEntries(t.codesOf(k)),
          },
        ]),
      );
    writeFileSync(
      report,
      JSON.stringify(
        {
          backend: BACKEND,
          clients: CLIENTS,
          loadSeconds,
          load: kinds(load),
          alone: kinds(alone),
          beside: kinds(beside),
          memory: { started, seeded, ended },
          check,
          problems,
        },
        null,
        2,
      ),
    );
  }
  if (
    check.missing.length > 0 ||
    check.deletedVisible.length > 0 ||
    check.refusedVisible.length > 0
  ) {
    throw new Error(`write check failed: ${JSON.stringify(check).slice(0, 500)}`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  const dataDir = path.join(dir, 'data');
  let service: ServiceProcess | undefined;
  try {
    const { key } = await createKeyWithCli(dataDir, 'load-bench', 'catalog:write');
    service = await startServiceProcess(serviceEnv(dataDir));
    await run(service, key);
  } finally {
    const code = await service?.stop();
    if (code !== undefined && code !== 0) out(`the service exited with ${code}`);
    if (BACKEND === 'elasticsearch') await deleteIndices();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
