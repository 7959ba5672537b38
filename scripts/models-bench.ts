/**
 * Writes the benchmark model (OpenAI CLIP ViT-B/32 shapes, random weights; see bench/clip-model)
 * into a folder the service loads as MODEL_DIR, plus the same graphs for transformers.js.
 *   npm run models:bench -- --out .cache/bench-model/clip-vit-b-32-random [--layers 12] [--no-transformers-js]
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { BENCH_MODEL_VERSION, generateBenchModel, TRANSFORMERS_JS_DIR } from '../bench/clip-model';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got ${value}`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('models:bench')
    .description(
      'Generate an architecture-faithful CLIP ViT-B/32 with random weights, for throughput benchmarks',
    )
    .requiredOption('-o, --out <dir>', 'output folder (Immich/OpenCLIP model layout)')
    .option(
      '--layers <n>',
      'transformer blocks per tower (12 is the real architecture)',
      positiveInt,
      12,
    )
    .option('--seed <n>', 'seed of the random weights', positiveInt, 20240601)
    .option(
      '--no-transformers-js',
      `skip the ${TRANSFORMERS_JS_DIR}/ copy for @huggingface/transformers`,
    )
    .parse(argv);
  const opts = program.opts<{
    out: string;
    layers: number;
    seed: number;
    transformersJs: boolean;
  }>();
  const outDir = path.resolve(opts.out);
  const started = performance.now();
  await generateBenchModel(outDir, {
    layers: opts.layers,
    seed: opts.seed,
    transformersJs: opts.transformersJs,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `wrote ${BENCH_MODEL_VERSION} (${opts.layers} layers) to ${outDir} in ${seconds} s\n`,
  );
}

main(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
