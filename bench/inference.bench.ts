/**
 * Inference throughput: raw ONNX Runtime vs our Embedder (decode + preprocess + infer, or
 * tokenise + infer) vs transformers.js on the same ONNX graphs, for both CLIP towers.
 *
 * Run: npx tsx bench/inference.bench.ts [--model-dir DIR] [--quick]
 *   (needs: apt-get install -y tuxpaint-stamps-default dataset-fashion-mnist)
 * The model folder defaults to .cache/bench-model/clip-vit-b-32-random and is generated there
 * (bench/clip-model, random weights) when missing. ORT_INTRA_OP_THREADS / ORT_INTER_OP_THREADS
 * apply to all three paths. Prints Markdown tables; writes bench/results/inference-<date>.json.
 * Each path runs in its own process (inference/path-host.ts); this one only orchestrates.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { BENCH_MODEL_VERSION, ensureBenchModel, TRANSFORMERS_JS_DIR } from './clip-model';
import type { CellRef, RoundsPlan } from './inference/cells';
import { runInterleaved } from './inference/cells';
import type { HostInit } from './inference/path-host';
import { threadsFromEnv } from './inference/ort-threads';
import { PathProcess } from './inference/path-process';
import type { PathName, ScenarioResult } from './inference/report';
import { machineInfo, ratiosTable, resultsTable, targetRatios } from './inference/report';

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

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

/** Mean cosine between ours and transformers.js on the same inputs: same graphs, so ~1. */
async function agreement(ours: PathProcess, tjs: PathProcess) {
  const [a, b] = await Promise.all([ours.vectors(4), tjs.vectors(4)]);
  const mean = (xs: readonly Float32Array[], ys: readonly Float32Array[]) =>
    xs.reduce((s, x, i) => s + cosine(x, ys[i] as Float32Array), 0) / xs.length;
  return { imageCosine: mean(a.images, b.images), textCosine: mean(a.texts, b.texts) };
}

/**
 * Starts each path in its own process (one after another, so loads do not overlap), then runs
 * the comparable cells interleaved: only one process works at a time.
 */
async function runAll(modelDir: string, p: Profile) {
  // A real model folder has no transformers.js copy: then that path is left out.
  const paths: PathName[] = ['raw-ort', 'ours'];
  if (existsSync(path.join(modelDir, TRANSFORMERS_JS_DIR))) paths.push('transformers.js');
  const processes = new Map<PathName, PathProcess>();
  try {
    for (const name of paths) {
      const init: HostInit = {
        path: name,
        modelDir,
        photos: p.photos,
        batches: p.batches,
        clients: p.clients,
      };
      processes.set(name, await PathProcess.start(init));
    }
    const handle = (cell: CellRef) => processes.get(cell.path) as PathProcess;
    const cells = [...processes.values()].flatMap((proc) => proc.cells);
    const results = await runInterleaved(
      cells,
      p.plan,
      (cell, plan) => handle(cell).measure(cell, plan),
      printProgress,
    );
    const ours = processes.get('ours') as PathProcess;
    const tjs = processes.get('transformers.js');
    const agreed = tjs === undefined ? undefined : await agreement(ours, tjs);
    const rss = Object.fromEntries([...processes].map(([name, proc]) => [name, proc.rss]));
    return { results, rss, ours: ours.rss, corpus: ours.corpus, agreement: agreed };
  } finally {
    await Promise.all([...processes.values()].map((proc) => proc.close()));
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
  const threads = threadsFromEnv();
  const machineBefore = machineInfo();
  const run = await runAll(modelDir, profile);
  const ratios = targetRatios(run.results, run.ours.afterLargestBatch);
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  process.stdout.write(`\n${resultsTable(run.results)}\n\n${ratiosTable(ratios)}\n\n`);
  const largest = Math.max(...profile.batches);
  for (const [name, rss] of Object.entries(run.rss)) {
    process.stdout.write(`RSS, ${name} process: ${mib(rss.afterLoad)} MiB after loading both `);
    process.stdout.write(`towers, ${mib(rss.afterLargestBatch)} MiB after one call of the `);
    process.stdout.write(`largest batch per tower (${name === 'transformers.js' ? 1 : largest})\n`);
  }
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
      corpus: run.corpus,
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
