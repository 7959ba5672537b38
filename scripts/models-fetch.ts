/**
 * `npm run models:fetch -- [name] [--list] [--dir DIR] [--allow-unverified] [--base-url URL]`
 *
 * Downloads a catalog model (default: the catalog's default model) into
 * `<dir>/<name>/`, with a progress bar on stderr and hash checks. Environment:
 * MODELS_DIR (default target dir), MODELS_BASE_URL (mirror root).
 */
import { Command, InvalidArgumentError } from 'commander';
import { isAppError } from '../src/errors/app-error';
import type { ModelCatalog } from '../src/model-store/model-catalog';
import {
  catalogModelNames,
  findCatalogModel,
  loadModelCatalog,
} from '../src/model-store/model-catalog';
import { DEFAULT_STALL_TIMEOUT_MS, fetchModel } from '../src/model-store/model-fetcher';
import { createProgressBars, formatBytes } from '../src/model-store/model-progress';

interface CliOptions {
  list?: boolean;
  dir: string;
  allowUnverified?: boolean;
  baseUrl?: string;
  timeoutMs: number;
}

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new InvalidArgumentError('must be a positive integer');
  }
  return parsed;
}

function printCatalog(catalog: ModelCatalog): void {
  for (const model of catalog.models) {
    const known = model.files.filter((f) => f.sizeBytes !== null);
    const bytes = known.reduce((sum, f) => sum + (f.sizeBytes ?? 0), 0);
    const unhashed = model.files.filter((f) => f.hash === null).map((f) => f.path);
    const mark = model.name === catalog.defaultModel ? ' (default)' : '';
    process.stdout.write(
      `${model.name}${mark}\n  dims ${model.dims}, ${model.files.length} files, ` +
        `at least ${formatBytes(bytes)}, licence: ${model.license}\n  ${model.description}\n` +
        (unhashed.length > 0 ? `  no published hash for: ${unhashed.join(', ')}\n` : ''),
    );
  }
}

async function run(name: string | undefined, options: CliOptions): Promise<void> {
  const catalog = loadModelCatalog();
  if (options.list === true) {
    printCatalog(catalog);
    return;
  }
  const modelName = name ?? catalog.defaultModel;
  const model = findCatalogModel(catalog, modelName);
  if (model === undefined) {
    throw new Error(
      `Unknown model "${modelName}". Known models: ${catalogModelNames(catalog).join(', ')}`,
    );
  }
  const display = createProgressBars(process.stderr);
  try {
    const result = await fetchModel({
      model,
      modelsDir: options.dir,
      baseUrl: options.baseUrl,
      allowUnverified: options.allowUnverified ?? false,
      stallTimeoutMs: options.timeoutMs,
      onProgress: display.onProgress,
    });
    display.stop();
    for (const file of result.files) {
      const check = file.verified ? 'hash verified' : 'UNVERIFIED (no published hash)';
      process.stdout.write(`${file.status.padEnd(10)} ${check.padEnd(30)} ${file.path}\n`);
    }
    process.stdout.write(`Model ${model.name} is ready in ${result.modelDir}\n`);
  } finally {
    display.stop();
  }
}

const program = new Command()
  .name('models:fetch')
  .description('Download a model from the catalog (models/catalog.json) and check its hashes')
  .argument('[name]', 'catalog model name (default: the catalog default)')
  .option('--list', 'print the catalog and exit')
  .option(
    '--dir <dir>',
    'folder that holds models (env MODELS_DIR)',
    process.env['MODELS_DIR'] ?? './models/cache',
  )
  .option('--allow-unverified', 'accept files the catalog has no published hash for')
  .option(
    '--base-url <url>',
    'mirror root serving <url>/<name>/<path> (env MODELS_BASE_URL)',
    process.env['MODELS_BASE_URL'],
  )
  .option(
    '--timeout-ms <ms>',
    'give up on a download silent for this long',
    positiveInt,
    DEFAULT_STALL_TIMEOUT_MS,
  )
  .action(run);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = isAppError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`\n${message}\n`);
  process.exitCode = 1;
});
