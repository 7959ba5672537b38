/**
 * Ingest benchmark (not a test): the `npm run ingest` command end to end, N products with one
 * 256x256 JPEG each, photos served by a local HTTP image server on 127.0.0.1.
 *
 *   BENCH_TARGET=stand-in npx tsx bench/ingest.bench.ts
 *       the command's own cost: a stand-in indexProducts server that stores nothing
 *       (JSON batches with URL photos, then multipart batches with local files)
 *   BENCH_TARGET=service BENCH_BACKEND=sqlite|elasticsearch npx tsx bench/ingest.bench.ts
 *       the whole pipeline: the real service (toy model, so the model costs almost nothing),
 *       fetching every photo from the image server, then a re-run of the unchanged feed
 *       (expected: no model runs), figures from /metrics
 *
 * Knobs: BENCH_PRODUCTS (100000), BENCH_BATCH (100), BENCH_CONCURRENCY (4), ES_URL, BENCH_MODEL_DIR,
 * PREPROCESS_THREADS (passed to the service; unset: its default).
 * The service mode needs the catalog and fetcher work (indexProducts, photo URLs, vector reuse).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { startStandIn } from '../test/helpers/ingest-stand-in-server';

const PRODUCTS = Number(process.env['BENCH_PRODUCTS'] ?? 100_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 100);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);
const TARGET = process.env['BENCH_TARGET'] ?? 'stand-in';
const ROOT = path.join(__dirname, '..');
/** A real model (e.g. the benchmark ViT-B/32) instead of the toy: the model-bound rate. */
const MODEL_DIR = process.env['BENCH_MODEL_DIR'];

/** A 256x256 JPEG; each photo is it plus a unique trailer after EOI (distinct sha256, no re-encode). */
async function basePhoto(): Promise<Buffer> {
  const { data, info } = await sharp({
    create: { width: 256, height: 256, channels: 3, background: '#c04020' },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i += 97) data[i] = (i * 31) % 256; // texture, so it is not trivially small
  return sharp(data, { raw: info }).jpeg({ quality: 85 }).toBuffer();
}

/**
 * The photo host, in a process of its own (as a real CDN is not on the service's event loop):
 * GET /p/<n>.jpg answers the base JPEG plus the trailer "product-<n>".
 */
const IMAGE_SERVER = `
const http = require('node:http');
const base = require('node:fs').readFileSync(process.argv[1]);
const server = http.createServer((req, res) => {
  const id = /^\\/p\\/(\\d+)\\.jpg$/.exec(req.url ?? '')?.[1];
  if (id === undefined) { res.writeHead(404).end(); return; }
  const body = Buffer.concat([base, Buffer.from('product-' + id)]);
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function imageServer(
  dir: string,
  base: Buffer,
): Promise<{ url: string; close: () => void; cpuSeconds: () => Promise<number> }> {
  const file = path.join(dir, 'base.jpg');
  writeFileSync(file, base);
  const child = spawn(process.execPath, ['-e', IMAGE_SERVER, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`image server exited ${String(code)}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => child.kill(),
    cpuSeconds: () => processCpuSeconds(child.pid),
  };
}

/** CPU seconds the Elasticsearch node has used (its own process stats). */
async function elasticsearchCpuSeconds(): Promise<number> {
  const url = process.env['ES_URL'] ?? 'http://127.0.0.1:9200';
  const stats = (await (await fetch(`${url}/_nodes/_local/stats/process`)).json()) as {
    nodes: Record<string, { process: { cpu: { total_in_millis: number } } }>;
  };
  const node = Object.values(stats.nodes)[0];
  return (node?.process.cpu.total_in_millis ?? 0) / 1000;
}

/** User + system CPU of a live process, from /proc (Linux), in seconds; 0 where unreadable. */
async function processCpuSeconds(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
  } catch {
    return 0;
  }
}

function writeFeed(dir: string, photoOf: (i: number) => string): string {
  const file = path.join(dir, `feed-${Math.random().toString(36).slice(2)}.jsonl`);
  const lines: string[] = [];
  for (let i = 0; i < PRODUCTS; i += 1) {
    lines.push(
      JSON.stringify({
        id: `b${i}`,
        title: `Bench product ${i}`,
        category: `c${i % 20}`,
        price: i % 500,
        currency: 'USD',
        photos: [photoOf(i)],
      }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * Runs the command as a user does (tsx loader, no progress bar); wall time in seconds, and its
 * CPU seconds as last read from /proc (every 100 ms: the last tenth of a second may be missed).
 */
function ingest(
  args: readonly string[],
): Promise<{ seconds: number; code: number | null; stdout: string; cpuSeconds: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'scripts', 'ingest.ts'), ...args, '--no-progress'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let cpuSeconds = 0;
  const poll = setInterval(() => {
    void processCpuSeconds(child.pid).then((s) => (cpuSeconds = Math.max(cpuSeconds, s)));
  }, 100);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ seconds: (performance.now() - started) / 1000, code, stdout, cpuSeconds });
    }),
  );
}

const line = (name: string, seconds: number, n: number) =>
  `${name.padEnd(44)} ${seconds.toFixed(1).padStart(7)} s ${(n / seconds).toFixed(0).padStart(7)} products/s`;

async function standInRun(dir: string, base: Buffer): Promise<void> {
  const images = await imageServer(dir, base);
  const photoFile = path.join(dir, 'photo.jpg');
  writeFileSync(photoFile, base);
  const json = await startStandIn({ maxFiles: 1000 });
  const urlFeed = writeFeed(dir, (i) => `${images.url}/p/${i}.jpg`);
  // Every run sends batches of BATCH with CONCURRENCY in flight; files runs send a batch's
  // photos in one request.
  const send = (feed: string, ...extra: string[]) =>
    ingest([
      feed,
      '--url',
      json.graphqlUrl,
      '--batch',
      String(BATCH),
      '--concurrency',
      String(CONCURRENCY),
      ...extra,
    ]);
  const a = await send(urlFeed, '--no-state');
  const fileFeed = writeFeed(dir, () => 'photo.jpg');
  const b = await send(fileFeed, '--max-files', String(BATCH), '--no-state');
  const c = await send(fileFeed, '--max-files', String(BATCH));
  const d = await send(fileFeed, '--max-files', String(BATCH));
  await json.close();
  images.close();
  process.stdout.write(
    `${[
      `ingest command against a stand-in server, ${PRODUCTS} products, batch ${BATCH}, concurrency ${CONCURRENCY}, ${os.cpus().length} cores`,
      line('URL photos (JSON requests)', a.seconds, PRODUCTS),
      line('local photos (multipart uploads)', b.seconds, PRODUCTS),
      line('local photos, with a state file', c.seconds, PRODUCTS),
      line('re-run with the state file (all skipped)', d.seconds, PRODUCTS),
    ].join('\n')}\n`,
  );
  if ([a, b, c, d].some((r) => r.code !== 0)) throw new Error('a run failed');
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/**
 * The visual tower alone through onnxruntime-node on random input, with the service's session
 * options and thread counts, at several batch sizes: photos/s of the best, and the table.
 */
async function rawOrtPhotosPerSecond(
  modelDir: string,
): Promise<{ best: number; batch: number; table: string }> {
  const ort = await import('onnxruntime-node');
  const { loadConfig } = await import('../src/config/load-config');
  const { inference } = loadConfig({ NODE_ENV: 'production', MODEL_DIR: modelDir });
  const { sessionOptions } = await import('../src/adapters/onnx/onnx-embedder');
  const session = await ort.InferenceSession.create(
    path.join(modelDir, 'visual', 'model.onnx'),
    sessionOptions(inference.ort),
  );
  const input = session.inputNames[0] as string;
  const rates: Array<[number, number]> = [];
  for (const batch of [1, 4, 8, 16, 32]) {
    const data = Float32Array.from({ length: batch * 3 * 224 * 224 }, () => Math.random() - 0.5);
    const feeds = { [input]: new ort.Tensor('float32', data, [batch, 3, 224, 224]) };
    await session.run(feeds);
    let photos = 0;
    const started = performance.now();
    while (performance.now() - started < 8000 || photos < 2 * batch) {
      await session.run(feeds);
      photos += batch;
    }
    rates.push([batch, photos / ((performance.now() - started) / 1000)]);
  }
  await session.release();
  const [batch, best] = rates.reduce((a, b) => (b[1] > a[1] ? b : a));
  const table = rates.map(([b, r]) => `${b}: ${r.toFixed(1)}`).join(', ');
  return { best, batch, table };
}

/** The real service (after the catalog merge): createApp + HTTP, toy model, the chosen backend. */
async function serviceRun(dir: string, base: Buffer): Promise<void> {
  const { startTestServer } = await import('../test/helpers/test-server');
  if (MODEL_DIR === undefined) {
    // A fresh clone has no toy model until the tests have run once: make it here too.
    const { ensureToyModel } = await import('../scripts/toy-model');
    const { toyModelDir } = await import('../test/helpers/toy-model');
    await ensureToyModel(toyModelDir());
  }
  const backend = process.env['BENCH_BACKEND'] ?? 'sqlite';
  const images = await imageServer(dir, base);
  const server = await startTestServer({
    ...(MODEL_DIR === undefined
      ? {}
      : // The service's own ONNX Runtime threads (the test server pins them to 1).
        { MODEL_DIR, ORT_INTRA_OP_THREADS: process.env['ORT_INTRA_OP_THREADS'] }),
    DATA_DIR: path.join(dir, 'data'),
    PREPROCESS_THREADS: process.env['PREPROCESS_THREADS'],
    // The image host is on 127.0.0.1: loopback is only ever reached through the allow-list.
    IMAGE_FETCH_ALLOW_HOSTS: '127.0.0.1',
    // One local host serves every photo; a real feed spreads over CDN hosts (default 4 each).
    IMAGE_FETCH_MAX_PER_HOST: process.env['IMAGE_FETCH_MAX_PER_HOST'] ?? '16',
    ...(backend === 'elasticsearch'
      ? {
          ES_URL: process.env['ES_URL'] ?? 'http://127.0.0.1:9200',
          ES_INDEX_PREFIX: `bench-ingest-${process.pid}`,
        }
      : {}),
  });
  const feed = writeFeed(dir, (i) => `${images.url}/p/${i}.jpg`);
  const args = [
    feed,
    '--url',
    server.graphqlUrl,
    '--batch',
    String(BATCH),
    '--concurrency',
    String(CONCURRENCY),
    '--no-state',
  ];
  const cpuBefore = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  const hostBefore = await images.cpuSeconds();
  const esBefore = backend === 'elasticsearch' ? await elasticsearchCpuSeconds() : 0;
  const first = await ingest(args);
  const cpu = process.cpuUsage(cpuBefore);
  const loop = performance.eventLoopUtilization(loopBefore);
  const hostSeconds = (await images.cpuSeconds()) - hostBefore;
  const esSeconds =
    backend === 'elasticsearch' ? (await elasticsearchCpuSeconds()) - esBefore : undefined;
  const embedded = await metric(server.url, 'product_search_embedding_batch_size_count');
  const second = await ingest(args);
  const embeddedAfter = await metric(server.url, 'product_search_embedding_batch_size_count');
  await server.stop();
  images.close();
  const serviceMs = (cpu.user + cpu.system) / 1000 / PRODUCTS;
  const raw = MODEL_DIR === undefined ? undefined : await rawOrtPhotosPerSecond(MODEL_DIR);
  process.stdout.write(
    `${[
      `pipeline on ${backend}, ${MODEL_DIR === undefined ? 'toy model' : path.basename(MODEL_DIR)}, ${PRODUCTS} products with one 256x256 JPEG by URL, batch ${BATCH}, concurrency ${CONCURRENCY}, ${os.cpus().length} cores`,
      line('first load', first.seconds, PRODUCTS),
      `${''.padEnd(44)} reference: 100000 in 6 min = 278 products/s -> ${(PRODUCTS / first.seconds / 278).toFixed(2)}x`,
      line('re-run of the unchanged feed', second.seconds, PRODUCTS),
      `model runs: ${embedded} during the load, ${embeddedAfter - embedded} during the re-run (expected 0)`,
      `CPU per product during the load: service ${serviceMs.toFixed(2)} ms (all its threads), ingest command ${((first.cpuSeconds * 1000) / PRODUCTS).toFixed(2)} ms, photo host ${((hostSeconds * 1000) / PRODUCTS).toFixed(2)} ms${esSeconds === undefined ? '' : `, Elasticsearch ${((esSeconds * 1000) / PRODUCTS).toFixed(2)} ms`}`,
      `service event loop: busy ${(loop.active / PRODUCTS).toFixed(2)} ms per product (${(100 * loop.utilization).toFixed(0)} % of the load's wall time; at 100 % it is the bottleneck)`,
      ...(raw === undefined
        ? []
        : [
            `raw ONNX Runtime, same model, same run: best ${raw.best.toFixed(1)} photos/s at batch ${raw.batch} (${raw.table})`,
            `end to end ${(PRODUCTS / first.seconds).toFixed(1)} photos/s = ${(PRODUCTS / first.seconds / raw.best).toFixed(2)}x raw ONNX Runtime (target >= 0.85x)`,
          ]),
    ].join('\n')}\n`,
  );
  if (first.code !== 0 || second.code !== 0)
    throw new Error(`ingest exited ${first.code}, ${second.code}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'));
  try {
    const base = await basePhoto();
    if (TARGET === 'service') await serviceRun(dir, base);
    else await standInRun(dir, base);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
