/**
 * Inference throughput: raw ONNX Runtime vs our Embedder (decode + preprocess + infer, or
 * tokenise + infer) vs transformers.js on the same ONNX graphs, for both CLIP towers.
 *
 * Run: npx tsx bench/inference.bench.ts [--model-dir DIR] [--quick]
 *   (needs: apt-get install -y tuxpaint-stamps-default dataset-fashion-mnist)
 * The model folder defaults to .cache/bench-model/clip-vit-b-32-random and is generated there
 * (bench/clip-model, random weights) when missing. ORT_INTRA_OP_THREADS / ORT_INTER_OP_THREADS
 * apply to all three paths. Prints Markdown tables; writes bench/results/inference-<date>.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { ClipTokenizer } from '../src/adapters/onnx/clip-tokenizer';
import { loadModelConfig, MODEL_FILES } from '../src/adapters/onnx/model-config';
import { loadConfig } from '../src/config';
import type { Embedder } from '../src/ports/embedder.port';
import { BENCH_MODEL_VERSION, ensureBenchModel, TRANSFORMERS_JS_DIR } from './clip-model';
import { createBenchEmbedder } from './inference/app-embedder';
import type { Cell, RoundsPlan } from './inference/cells';
import { embedderCells, runInterleaved } from './inference/cells';
import type { BenchCorpus } from './inference/photos';
import { loadCorpus } from './inference/photos';
import type { Threads } from './inference/raw-ort';
import { openSession, preprocessRows, rawImageCall, rawTextCall } from './inference/raw-ort';
import type { ScenarioResult } from './inference/report';
import { machineInfo, ratiosTable, resultsTable, targetRatios } from './inference/report';
import type { TransformersJsClip } from './inference/transformers-js-clip';
import { loadTransformersJs } from './inference/transformers-js-clip';

interface Profile {
  readonly batches: readonly number[];
  readonly clients: readonly number[];
  readonly photos: number;
  readonly plan: RoundsPlan;
}

const FULL: Profile = {
  batches: [1, 2, 4, 8, 16, 32],
  clients: [1, 4, 16],
  photos: 256,
  plan: { rounds: 3, minMs: 3000, minCalls: 2, warmupCallsPerClient: 1 },
};
const QUICK: Profile = {
  batches: [1, 4],
  clients: [1, 16],
  photos: 32,
  plan: { rounds: 2, minMs: 300, minCalls: 1, warmupCallsPerClient: 1 },
};
const DEFAULT_MODEL_DIR = '.cache/bench-model/clip-vit-b-32-random';
const RESULTS_DIR = path.join(__dirname, 'results');

function printProgress(r: ScenarioResult): void {
  process.stdout.write(`${r.modality} ${r.path} batch=${r.batch} clients=${r.clients}: `);
  process.stdout.write(`${r.itemsPerSec.toFixed(2)} items/s\n`);
}

/**
 * Our Embedder alone in the process: RSS after loading both towers, and after one run of each
 * tower at the largest batch (ORT's arenas grow to the largest batch seen).
 */
async function loadOurs(modelDir: string, corpus: BenchCorpus, maxBatch: number) {
  const embedder = await createBenchEmbedder(modelDir, loadConfig(process.env));
  const rssAfterLoad = process.memoryUsage().rss;
  const photos = corpus.photos.map((p) => p.bytes);
  await embedder.embedImages(
    Array.from({ length: maxBatch }, (_, i) => photos[i % photos.length] as Uint8Array),
  );
  await embedder.embedTexts(
    Array.from({ length: maxBatch }, (_, i) => corpus.queries[i % corpus.queries.length] as string),
  );
  const rssAfterLargestBatch = process.memoryUsage().rss;
  return { embedder, rss: { afterLoad: rssAfterLoad, afterLargestBatch: rssAfterLargestBatch } };
}

async function rawCells(modelDir: string, corpus: BenchCorpus, p: Profile, threads: Threads) {
  const config = await loadModelConfig(modelDir);
  const rows = await preprocessRows(
    corpus.photos.map((ph) => ph.bytes),
    config,
  );
  const tokenizer = await ClipTokenizer.fromFile(
    path.join(modelDir, MODEL_FILES.tokenizer),
    config,
  );
  const visual = await openSession(path.join(modelDir, MODEL_FILES.visualModel), threads);
  const textual = await openSession(path.join(modelDir, MODEL_FILES.textualModel), threads);
  const cells: Cell[] = p.batches.flatMap((batch): Cell[] => [
    {
      modality: 'image',
      path: 'raw-ort',
      batch,
      clients: 1,
      call: rawImageCall(visual, rows, batch),
    },
    {
      modality: 'text',
      path: 'raw-ort',
      batch,
      clients: 1,
      call: rawTextCall(textual, tokenizer, corpus.queries, batch),
    },
  ]);
  return { cells, release: () => Promise.all([visual.release(), textual.release()]) };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

/** Mean cosine between ours and transformers.js on the same inputs: same graphs, so ~1. */
async function agreement(ours: Embedder, tjs: TransformersJsClip, corpus: BenchCorpus) {
  const photos = corpus.photos.slice(0, 4).map((ph) => ph.bytes);
  const queries = corpus.queries.slice(0, 4);
  const mean = (xs: readonly Float32Array[], ys: readonly Float32Array[]) =>
    xs.reduce((s, x, i) => s + cosine(x, ys[i] as Float32Array), 0) / xs.length;
  const oursImages = (await ours.embedImages(photos)).map((e) => e.vector);
  return {
    imageCosine: mean(oursImages, await tjs.embedImages(photos)),
    textCosine: mean(await ours.embedTexts(queries), await tjs.embedTexts(queries)),
  };
}

async function runAll(modelDir: string, corpus: BenchCorpus, p: Profile, threads: Threads) {
  const maxBatch = Math.max(...p.batches);
  const ours = await loadOurs(modelDir, corpus, maxBatch);
  const raw = await rawCells(modelDir, corpus, p, threads);
  const contextLength = (await loadModelConfig(modelDir)).contextLength;
  const tjsDir = path.join(modelDir, TRANSFORMERS_JS_DIR);
  // A real model folder has no transformers.js copy: then that path is left out.
  const tjs = existsSync(tjsDir)
    ? await loadTransformersJs({ dir: tjsDir, ...threads, contextLength })
    : undefined;
  try {
    const concurrent = p.clients.filter((c) => c > 1).map((clients) => ({ batch: 1, clients }));
    const cells = [
      ...raw.cells,
      ...embedderCells('ours', ours.embedder, corpus, [
        ...p.batches.map((batch) => ({ batch, clients: 1 })),
        ...concurrent,
      ]),
      ...(tjs === undefined
        ? []
        : embedderCells('transformers.js', tjs, corpus, [{ batch: 1, clients: 1 }, ...concurrent])),
    ];
    const results = await runInterleaved(cells, p.plan, printProgress);
    const agreed = tjs === undefined ? undefined : await agreement(ours.embedder, tjs, corpus);
    return { results, rss: ours.rss, agreement: agreed };
  } finally {
    await Promise.all([ours.embedder.close(), raw.release(), tjs?.dispose()]);
  }
}

function writeReport(record: object, quick: boolean): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const file = path.join(RESULTS_DIR, `inference-${date}${quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

async function main(argv: string[]): Promise<void> {
  const opts = new Command()
    .name('inference.bench')
    .option(
      '--model-dir <dir>',
      'benchmark model folder (generated when missing)',
      DEFAULT_MODEL_DIR,
    )
    .option('--quick', 'short runs at fewer batch sizes, to check the harness')
    .parse(argv)
    .opts<{ modelDir: string; quick?: boolean }>();
  const quick = opts.quick === true;
  const profile = quick ? QUICK : FULL;
  const modelDir = path.resolve(opts.modelDir);
  const model = await ensureBenchModel(modelDir);
  if (model === 'generated') {
    process.stdout.write(`generated ${BENCH_MODEL_VERSION} in ${modelDir}\n`);
  }
  const config = loadConfig(process.env);
  const threads = {
    intraOpNumThreads: config.ortIntraOpThreads,
    interOpNumThreads: config.ortInterOpThreads,
  };
  const corpus = await loadCorpus(profile.photos);
  const machineBefore = machineInfo();
  const run = await runAll(modelDir, corpus, profile, threads);
  const ratios = targetRatios(run.results, run.rss.afterLargestBatch);
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  process.stdout.write(`\n${resultsTable(run.results)}\n\n${ratiosTable(ratios)}\n\n`);
  process.stdout.write(
    `RSS, our Embedder alone: ${mib(run.rss.afterLoad)} MiB after loading both towers, `,
  );
  process.stdout.write(
    `${mib(run.rss.afterLargestBatch)} MiB after one batch of ${Math.max(...profile.batches)} per tower\n`,
  );
  if (run.agreement !== undefined) {
    const { imageCosine, textCosine } = run.agreement;
    process.stdout.write(`cosine ours vs transformers.js: image ${imageCosine.toFixed(4)}, `);
    process.stdout.write(`text ${textCosine.toFixed(4)}\n`);
  }
  const file = writeReport(
    {
      date: new Date().toISOString(),
      command: `npx tsx bench/inference.bench.ts ${argv.slice(2).join(' ')}`.trim(),
      machine: { ...machineBefore, loadAverageAfter: machineInfo().loadAverage },
      model: {
        dir: modelDir,
        version: model === 'foreign' ? 'not a bench model' : BENCH_MODEL_VERSION,
      },
      threads,
      corpus: {
        photos: corpus.photos.length,
        medianPixels: corpus.medianPixels,
        queries: corpus.queries.length,
      },
      plan: profile.plan,
      rss: run.rss,
      agreement: run.agreement,
      results: run.results,
      ratios,
    },
    quick,
  );
  process.stdout.write(`wrote ${file}\n`);
}

main(process.argv).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
