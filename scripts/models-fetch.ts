/**
 * `npm run models:fetch -- [name] [--list] [--dir DIR] [--[no-]allow-unverified] [--base-url URL]`
 *
 * Downloads a catalog model into `<dir>/<name>/`, with a progress bar on stderr and hash
 * checks. Its defaults are the service's, read through loadConfig: the model `npm start`
 * would load (MODEL), MODELS_DIR, MODELS_BASE_URL and MODELS_ALLOW_UNVERIFIED; flags win.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { ModelSettings } from '../src/config/load-config';
import { loadConfig } from '../src/config/load-config';
import { isAppError } from '../src/errors/app-error';
import { ConfigError } from '../src/errors/config-error';
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
  allowUnverified: boolean;
  baseUrl?: string;
  timeoutMs: number;
}

/** The service's model settings; a bad variable stops here, listed as the service lists it. */
function readSettings(): ModelSettings {
  try {
    return loadConfig(process.env).model;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`\n${error.message}\n`);
    process.exit(1);
  }
}

const settings = readSettings();

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new InvalidArgumentError('must be a positive integer');
  }
  return parsed;
}

function printCatalog(catalog: ModelCatalog, defaultName: string): void {
  for (const model of catalog.models) {
    const known = model.files.filter((f) => f.sizeBytes !== null);
    const bytes = known.reduce((sum, f) => sum + (f.sizeBytes ?? 0), 0);
    const unhashed = model.files.filter((f) => f.hash === null).map((f) => f.path);
    const mark = model.name === defaultName ? ' (default)' : '';
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
    printCatalog(catalog, settings.name);
    return;
  }
  const modelName = name ?? settings.name;
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
      allowUnverified: options.allowUnverified,
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
  .argument('[name]', `catalog model name (env MODEL, default ${settings.name})`)
  .option('--list', 'print the catalog and exit')
  .option('--dir <dir>', 'folder that holds models (env MODELS_DIR)', settings.modelsDir)
  .option(
    '--allow-unverified',
    'accept files the catalog has no published hash for (env MODELS_ALLOW_UNVERIFIED)',
    settings.allowUnverified,
  )
  .option('--no-allow-unverified', 'refuse files the catalog has no published hash for')
  .option(
    '--base-url <url>',
    'mirror root serving <url>/<name>/<path> (env MODELS_BASE_URL)',
    settings.baseUrl,
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
