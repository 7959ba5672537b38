/**
 * Downloads every file of a catalog model into `<modelsDir>/<name>/`.
 *
 * Contract:
 * - a file lands under its real name only once its bytes are checked (size where known,
 *   then hash, and a .json file must parse), through `<target>.part` in the same folder and
 *   an atomic rename; wrong bytes leave nothing behind;
 * - an interrupted download (killed, stalled, connection lost, truncated) keeps its `.part`
 *   file and the next run resumes it with an HTTP Range request; no other `.part` survives;
 * - every verified file's sha256 goes into the model's hash record (model-manifest.ts), which
 *   start-up checks; files the catalog has no hash for are recorded on first download;
 * - a file already present with the catalog's hash, or its recorded hash, is not downloaded
 *   again; any other present file is downloaded again (that is the repair);
 * - a file the catalog has no hash for is only downloaded with `allowUnverified`;
 * - a connection that sends nothing for `stallTimeoutMs` is abandoned;
 * - every failure is a ModelUnavailableError naming the model, the URL, the reason and the
 *   command that retries.
 */
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelUnavailableError } from '../errors/app-error';
import type { CatalogFile, CatalogModel } from './model-catalog';
import { downloadToPart } from './model-download';
import { hashFile } from './model-hash';
import type { RecordedFile } from './model-manifest';
import { checkFile, manifestPath, readManifest, writeManifest } from './model-manifest';

export interface FetchProgressEvent {
  /** start: request answered; data: bytes arrived; done: verified and in place; skip: already present. */
  readonly kind: 'start' | 'data' | 'done' | 'skip';
  readonly model: string;
  /** The file's path inside the model folder. */
  readonly file: string;
  readonly receivedBytes: number;
  /** From the catalog, else Content-Length; null when neither is known. */
  readonly totalBytes: number | null;
}
export type ProgressListener = (event: FetchProgressEvent) => void;

export interface FetchModelOptions {
  readonly model: CatalogModel;
  /** Parent folder; the model lands in `<modelsDir>/<model.name>/`. */
  readonly modelsDir: string;
  /** Mirror root: files are fetched from `<baseUrl>/<model.name>/<file.path>` instead of their catalog URL. */
  readonly baseUrl?: string | undefined;
  /** Accept files the catalog has no hash for (they are reported with verified: false). */
  readonly allowUnverified?: boolean | undefined;
  /** Abandon a download after this long without a byte (default 30 s). */
  readonly stallTimeoutMs?: number | undefined;
  readonly onProgress?: ProgressListener | undefined;
  /** Injected for tests; defaults to the global fetch. */
  readonly fetchImpl?: typeof fetch | undefined;
}

interface FetchedFile {
  readonly path: string;
  readonly status: 'downloaded' | 'present';
  /** True when the bytes matched a catalog hash. */
  readonly verified: boolean;
}

export interface FetchModelResult {
  readonly modelDir: string;
  readonly files: readonly FetchedFile[];
}

export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/**
 * The command a user runs to retry; part of every ModelUnavailableError. It carries
 * --allow-unverified when the model has files without a published hash, since the retry
 * would otherwise stop at them.
 */
export function retryCommand(model: CatalogModel): string {
  const needsFlag = model.files.some((file) => file.hash === null);
  return `npm run models:fetch -- ${model.name}${needsFlag ? ' --allow-unverified' : ''}`;
}

/** Where a file is fetched from: the catalog URL, or the mirror layout under baseUrl. */
function fileUrl(model: CatalogModel, file: CatalogFile, baseUrl?: string): string {
  if (baseUrl === undefined || baseUrl === '') return file.url;
  const segments = [model.name, ...file.path.split('/')].map(encodeURIComponent);
  return `${baseUrl.replace(/\/+$/, '')}/${segments.join('/')}`;
}

/** The path of a catalog file inside a model folder. */
export function fileTarget(modelDir: string, file: CatalogFile): string {
  return path.join(modelDir, ...file.path.split('/'));
}

export async function fetchModel(options: FetchModelOptions): Promise<FetchModelResult> {
  const { model } = options;
  const modelDir = path.resolve(options.modelsDir, model.name);
  const allowUnverified = options.allowUnverified ?? false;
  const record = manifestPath(options.modelsDir, model);
  let manifest = await readManifest(record, model);
  const results: FetchedFile[] = [];
  const missing: CatalogFile[] = [];

  for (const file of model.files) {
    const target = fileTarget(modelDir, file);
    await removeStaleParts(target);
    const size = (await stat(target).catch(() => undefined))?.size;
    if ((await checkFile(file, target, manifest, size)).status !== 'ok') {
      missing.push(file);
      continue;
    }
    await rm(`${target}.part`, { force: true });
    results.push({ path: file.path, status: 'present', verified: file.hash !== null });
    options.onProgress?.({
      kind: 'skip',
      model: model.name,
      file: file.path,
      receivedBytes: file.sizeBytes ?? size ?? 0,
      totalBytes: file.sizeBytes,
    });
  }

  // Refuse before the first byte rather than after 600 MB.
  const unhashed = missing.filter((file) => file.hash === null);
  const firstUnhashed = unhashed[0];
  if (firstUnhashed !== undefined && !allowUnverified) {
    throw unavailable(
      model,
      fileUrl(model, firstUnhashed, options.baseUrl),
      `the catalog has no published hash for ${unhashed.map((f) => f.path).join(', ')}, ` +
        'so the download cannot be verified; pass --allow-unverified to accept it unverified',
    );
  }

  await mkdir(path.dirname(record), { recursive: true });
  for (const file of missing) {
    const recorded = await downloadFile(options, modelDir, file);
    manifest = { ...manifest, files: { ...manifest.files, [file.path]: recorded } };
    await writeManifest(record, manifest);
    results.push({ path: file.path, status: 'downloaded', verified: file.hash !== null });
  }
  return { modelDir, files: orderLike(model.files, results) };
}

/** Temp files of earlier versions (`<name>.<pid>.<hex>.part`): never resumable, so removed. */
async function removeStaleParts(target: string): Promise<void> {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const entries = await readdir(dir).catch(() => [] as string[]);
  const stale = entries.filter(
    (name) => name.startsWith(`${base}.`) && /\.\d+\.[0-9a-f]{8}\.part$/.test(name),
  );
  await Promise.all(stale.map((name) => rm(path.join(dir, name), { force: true })));
}

async function downloadFile(
  options: FetchModelOptions,
  modelDir: string,
  file: CatalogFile,
): Promise<RecordedFile> {
  const { model } = options;
  const url = fileUrl(model, file, options.baseUrl);
  const target = fileTarget(modelDir, file);
  await mkdir(path.dirname(target), { recursive: true });
  // Same folder as the target, so the final rename cannot cross file systems.
  const part = `${target}.part`;
  const emit = (kind: 'start' | 'data', receivedBytes: number, totalBytes: number | null): void =>
    options.onProgress?.({ kind, model: model.name, file: file.path, receivedBytes, totalBytes });
  const received = await downloadToPart({
    url,
    file,
    part,
    stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    fetchImpl: options.fetchImpl ?? fetch,
    onProgress: emit,
    fail: (reason, extra) => unavailable(model, url, reason, extra),
  });
  const recorded = await verifyDownload(model, file, url, part, received);
  await rename(part, target);
  options.onProgress?.({
    kind: 'done',
    model: model.name,
    file: file.path,
    receivedBytes: received,
    totalBytes: file.sizeBytes,
  });
  return recorded;
}

/**
 * Checks a finished part file; returns what the hash record keeps. A short file stays for the
 * next run to resume; anything else that fails is removed.
 */
async function verifyDownload(
  model: CatalogModel,
  file: CatalogFile,
  url: string,
  part: string,
  received: number,
): Promise<RecordedFile> {
  const refuse = async (reason: string, keep = false): Promise<never> => {
    if (!keep) await rm(part, { force: true });
    throw unavailable(model, url, reason);
  };
  if (file.sizeBytes !== null && received !== file.sizeBytes) {
    const short = received < file.sizeBytes;
    return refuse(
      `expected ${file.sizeBytes} bytes, received ${received}` +
        (short ? ' (the next run resumes from there)' : ''),
      short,
    );
  }
  const sha256 = await hashFile(part, 'sha256');
  if (file.hash !== null) {
    const actual = file.hash.kind === 'sha256' ? sha256 : await hashFile(part, file.hash.kind);
    if (actual !== file.hash.value) {
      return refuse(
        `${file.hash.kind} mismatch for ${file.path}: expected ${file.hash.value}, got ${actual}`,
      );
    }
  }
  if (file.path.endsWith('.json')) {
    try {
      JSON.parse(await readFile(part, 'utf8'));
    } catch {
      // A mirror serving an error page or NUL bytes under a JSON name.
      return refuse(`${file.path} is not valid JSON`);
    }
  }
  return { sha256, sizeBytes: received };
}

function unavailable(
  model: CatalogModel,
  url: string,
  reason: string,
  extra: { cause?: unknown; httpStatus?: number } = {},
): ModelUnavailableError {
  const retry = retryCommand(model);
  const status = extra.httpStatus === undefined ? {} : { httpStatus: extra.httpStatus };
  return new ModelUnavailableError(
    `Model "${model.name}" is unavailable: could not fetch ${url}: ${reason}. Retry with: ${retry}`,
    { model: model.name, url, reason, retryCommand: retry, ...status },
    extra.cause === undefined ? undefined : { cause: extra.cause },
  );
}

function orderLike(files: readonly CatalogFile[], results: FetchedFile[]): FetchedFile[] {
  const order = new Map(files.map((file, index) => [file.path, index]));
  return [...results].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
}
