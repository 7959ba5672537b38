/**
 * Decides which folder the CLIP loader reads, at start-up:
 * 1. an explicit modelDir wins (it must exist and hold config.json; the catalog is not
 *    consulted, so a project-generated toy model works too);
 * 2. otherwise the catalog model `model` in `<modelsDir>/<model>/`: used as is when every
 *    catalog file is present, fetched when something is missing and fetching is allowed.
 *
 * Presence is checked by name and size only: hashing 600 MB at every start would cost
 * seconds; the fetcher checks hashes when it runs.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BadUserInputError, ModelUnavailableError } from '../errors/app-error';
import type { CatalogModel, ModelCatalog } from './model-catalog';
import { catalogModelNames, findCatalogModel, loadModelCatalog } from './model-catalog';
import type { FetchModelOptions, FetchModelResult } from './model-fetcher';
import { fetchModel, fileTarget, retryCommand } from './model-fetcher';

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
  const missing = await missingFiles(catalogModel, modelDir);
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

/** Catalog files absent from the folder or of the wrong size. */
async function missingFiles(model: CatalogModel, modelDir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const file of model.files) {
    const info = await stat(fileTarget(modelDir, file)).catch(() => undefined);
    const sizeOk = file.sizeBytes === null || info?.size === file.sizeBytes;
    if (info?.isFile() !== true || !sizeOk) missing.push(file.path);
  }
  return missing;
}
