/**
 * Decides which folder the CLIP loader reads, at start-up:
 * 1. an explicit modelDir wins (it must exist and hold config.json; the catalog is not
 *    consulted, so a project-generated toy model works too);
 * 2. otherwise the catalog model `model` in `<modelsDir>/<model>/`: used as is when every
 *    catalog file is present and intact, fetched when something is missing and fetching is
 *    allowed.
 *
 * Intact means full content: every file is hashed at every start and compared with the
 * catalog's pinned hash, or else with the hash recorded at its first verified download
 * (model-manifest.ts). A file whose bytes differ is refused, naming the file and the command
 * that repairs it, whether or not fetching is allowed: a changed model file is a fault to
 * see, not to paper over. Cost for the default model (606 MB): 0.7-1.4 s of sha256 on one
 * core with the files in the page cache (measured on the 2-core dev machine; OpenSSL hashes
 * about 2 GB/s there), more from a cold disk, which ONNX Runtime then reads warm.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BadUserInputError, ModelUnavailableError } from '../errors/app-error';
import type { CatalogModel, ModelCatalog } from './model-catalog';
import { catalogModelNames, findCatalogModel, loadModelCatalog } from './model-catalog';
import type { FetchModelOptions, FetchModelResult } from './model-fetcher';
import { fetchModel, fileTarget, retryCommand } from './model-fetcher';
import { checkFile, manifestPath, readManifest } from './model-manifest';

export interface ResolveModelDirOptions {
  /** Explicit model folder (MODEL_DIR); wins over `model`. */
  readonly modelDir?: string | undefined;
  /** Catalog model name (MODEL). */
  readonly model: string;
  /** Where catalog models live (MODELS_DIR). */
  readonly modelsDir: string;
  /** Download a missing or incomplete catalog model (MODEL_AUTO_FETCH). */
  readonly fetch: boolean;
  /** Defaults to the project's models/catalog.json. */
  readonly catalog?: ModelCatalog | undefined;
  /** Passed to the fetcher: mirror, allowUnverified, progress, timeout. */
  readonly fetchOptions?: Omit<FetchModelOptions, 'model' | 'modelsDir'> | undefined;
  /** Injected for tests; defaults to fetchModel. */
  readonly fetchModelImpl?: ((options: FetchModelOptions) => Promise<FetchModelResult>) | undefined;
}

export interface ResolvedModel {
  readonly modelDir: string;
  /** explicit: MODEL_DIR; cache: found complete; fetched: downloaded now. */
  readonly origin: 'explicit' | 'cache' | 'fetched';
  /** The catalog entry, when the folder came from the catalog. */
  readonly catalogModel?: CatalogModel | undefined;
}

export async function resolveModelDir(options: ResolveModelDirOptions): Promise<ResolvedModel> {
  if (options.modelDir !== undefined && options.modelDir !== '') {
    return { modelDir: await checkExplicitDir(options.modelDir), origin: 'explicit' };
  }
  const catalog = options.catalog ?? loadModelCatalog();
  const catalogModel = findCatalogModel(catalog, options.model);
  if (catalogModel === undefined) {
    const known = catalogModelNames(catalog);
    throw new BadUserInputError(
      `Unknown model "${options.model}". Known models: ${known.join(', ')}. ` +
        'Set MODEL to one of them, or MODEL_DIR to a model folder.',
      { model: options.model, knownModels: known },
    );
  }
  const modelDir = path.resolve(options.modelsDir, catalogModel.name);
  const { missing, corrupt } = await checkFiles(catalogModel, options.modelsDir, modelDir);
  if (corrupt.length > 0) throw corruptError(catalogModel, modelDir, corrupt);
  if (missing.length === 0) return { modelDir, origin: 'cache', catalogModel };

  if (!options.fetch) {
    const retry = retryCommand(catalogModel);
    throw new ModelUnavailableError(
      `Model "${catalogModel.name}" is not in ${modelDir} (missing: ${missing.join(', ')}) ` +
        `and fetching at start-up is disabled. Fetch it with: ${retry}`,
      { model: catalogModel.name, modelDir, missing, retryCommand: retry },
    );
  }
  const fetchImpl = options.fetchModelImpl ?? fetchModel;
  // The fetcher already throws ModelUnavailableError with the URL and retry command.
  const result = await fetchImpl({
    ...options.fetchOptions,
    model: catalogModel,
    modelsDir: options.modelsDir,
  });
  return { modelDir: result.modelDir, origin: 'fetched', catalogModel };
}

async function checkExplicitDir(modelDir: string): Promise<string> {
  const resolved = path.resolve(modelDir);
  const dirInfo = await stat(resolved).catch(() => undefined);
  const configInfo = await stat(path.join(resolved, 'config.json')).catch(() => undefined);
  if (dirInfo?.isDirectory() !== true || configInfo?.isFile() !== true) {
    const reason = dirInfo?.isDirectory() === true ? 'has no config.json' : 'does not exist';
    throw new ModelUnavailableError(
      `MODEL_DIR ${resolved} ${reason}. Point MODEL_DIR at a model folder ` +
        '(config.json, visual/, textual/), or unset it to use a catalog model.',
      { modelDir: resolved, reason },
    );
  }
  return resolved;
}

interface CorruptFile {
  readonly file: string;
  readonly expected: string;
  readonly actual: string;
}

/**
 * Missing: absent, of the wrong size, or never recorded (fetching repairs these).
 * Corrupt: present, but its bytes are not the pinned or recorded ones.
 */
async function checkFiles(
  model: CatalogModel,
  modelsDir: string,
  modelDir: string,
): Promise<{ missing: string[]; corrupt: CorruptFile[] }> {
  const manifest = await readManifest(manifestPath(modelsDir, model), model);
  const missing: string[] = [];
  const corrupt: CorruptFile[] = [];
  for (const file of model.files) {
    const target = fileTarget(modelDir, file);
    const info = await stat(target).catch(() => undefined);
    const size = info?.isFile() === true ? info.size : undefined;
    const check = await checkFile(file, target, manifest, size);
    if (check.status === 'mismatch') {
      corrupt.push({ file: file.path, expected: check.expected, actual: check.actual });
    } else if (check.status !== 'ok') {
      missing.push(file.path);
    }
  }
  return { missing, corrupt };
}

function corruptError(
  model: CatalogModel,
  modelDir: string,
  corrupt: readonly CorruptFile[],
): ModelUnavailableError {
  const retry = retryCommand(model);
  const names = corrupt.map((c) => path.join(modelDir, c.file)).join(', ');
  return new ModelUnavailableError(
    `Model "${model.name}" has files whose content changed since they were verified: ${names}. ` +
      `Refusing to load them. Repair with: ${retry}`,
    { model: model.name, modelDir, corrupt, retryCommand: retry },
  );
}
