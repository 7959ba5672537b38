/**
 * Downloads every file of a catalog model into `<modelsDir>/<name>/`.
 *
 * Contract:
 * - a file lands under its real name only once its bytes are checked (size where known,
 *   then hash), through a temp file in the same folder and an atomic rename; a failed or
 *   mismatched download leaves nothing half-written in place;
 * - a file already present with the catalog's hash is not downloaded again;
 * - a file the catalog has no hash for is only downloaded with `allowUnverified`;
 * - a connection that sends nothing for `stallTimeoutMs` is abandoned;
 * - every failure is a ModelUnavailableError naming the model, the URL, the reason and the
 *   command that retries.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { ModelUnavailableError } from '../errors/app-error';
import type { CatalogFile, CatalogModel } from './model-catalog';
import { hashFile } from './model-hash';

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
  const results: FetchedFile[] = [];
  const missing: CatalogFile[] = [];

  for (const file of model.files) {
    const present = await checkPresent(file, fileTarget(modelDir, file));
    if (present === 'absent') {
      missing.push(file);
      continue;
    }
    results.push({ path: file.path, status: 'present', verified: present === 'verified' });
    options.onProgress?.({
      kind: 'skip',
      model: model.name,
      file: file.path,
      receivedBytes: file.sizeBytes ?? 0,
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

  for (const file of missing) {
    await downloadFile(options, modelDir, file);
    results.push({ path: file.path, status: 'downloaded', verified: file.hash !== null });
  }
  return { modelDir, files: orderLike(model.files, results) };
}

type Presence = 'absent' | 'verified' | 'unverified';

/** A file counts as present when its size (where known) and hash (where known) match. */
async function checkPresent(file: CatalogFile, target: string): Promise<Presence> {
  const info = await stat(target).catch(() => undefined);
  if (info === undefined || !info.isFile()) return 'absent';
  if (file.sizeBytes !== null && info.size !== file.sizeBytes) return 'absent';
  if (file.hash === null) return 'unverified';
  return (await hashFile(target, file.hash.kind)) === file.hash.value ? 'verified' : 'absent';
}

async function downloadFile(
  options: FetchModelOptions,
  modelDir: string,
  file: CatalogFile,
): Promise<void> {
  const { model } = options;
  const url = fileUrl(model, file, options.baseUrl);
  const target = fileTarget(modelDir, file);
  await mkdir(path.dirname(target), { recursive: true });
  // Same folder as the target, so the final rename cannot cross file systems.
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
  try {
    const received = await streamToFile(options, file, url, temp);
    await verifyDownload(model, file, url, temp, received);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  options.onProgress?.({
    kind: 'done',
    model: model.name,
    file: file.path,
    receivedBytes: file.sizeBytes ?? (await stat(target)).size,
    totalBytes: file.sizeBytes,
  });
}

/** Streams one URL into `temp`; returns the byte count. */
async function streamToFile(
  options: FetchModelOptions,
  file: CatalogFile,
  url: string,
  temp: string,
): Promise<number> {
  const { model } = options;
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const stall = stallTimer(stallTimeoutMs);
  let received = 0;
  try {
    const response = await (options.fetchImpl ?? fetch)(url, {
      redirect: 'follow',
      signal: stall.signal,
    });
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      throw unavailable(model, url, `HTTP ${response.status} ${response.statusText}`.trim(), {
        httpStatus: response.status,
      });
    }
    const totalBytes = file.sizeBytes ?? contentLength(response);
    const emit = (kind: 'start' | 'data'): void =>
      options.onProgress?.({
        kind,
        model: model.name,
        file: file.path,
        receivedBytes: received,
        totalBytes,
      });
    emit('start');
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        stall.rearm();
        emit('data');
        callback(null, chunk);
      },
    });
    const body = Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>);
    await pipeline(body, counter, createWriteStream(temp));
    return received;
  } catch (error) {
    if (error instanceof ModelUnavailableError) throw error;
    const reason = stall.signal.aborted
      ? `no data for ${stallTimeoutMs} ms (timed out after ${received} bytes)`
      : describeNetworkError(error);
    throw unavailable(model, url, reason, { cause: error });
  } finally {
    stall.clear();
  }
}

/** Aborts its signal when rearm() has not been called for `ms`: a stall, not a slow link. */
function stallTimer(ms: number): { signal: AbortSignal; rearm(): void; clear(): void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const rearm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), ms);
  };
  rearm();
  return { signal: controller.signal, rearm, clear: () => clearTimeout(timer) };
}

async function verifyDownload(
  model: CatalogModel,
  file: CatalogFile,
  url: string,
  temp: string,
  received: number,
): Promise<void> {
  if (file.sizeBytes !== null && received !== file.sizeBytes) {
    throw unavailable(model, url, `expected ${file.sizeBytes} bytes, received ${received}`);
  }
  if (file.hash === null) return;
  const actual = await hashFile(temp, file.hash.kind);
  if (actual !== file.hash.value) {
    throw unavailable(
      model,
      url,
      `${file.hash.kind} mismatch for ${file.path}: expected ${file.hash.value}, got ${actual}`,
    );
  }
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

function contentLength(response: Response): number | null {
  const header = response.headers.get('content-length');
  const value = header === null ? NaN : Number(header);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `${error.message}: ${code !== undefined ? `${code} ` : ''}${cause.message}`;
  }
  return error.message;
}

function orderLike(files: readonly CatalogFile[], results: FetchedFile[]): FetchedFile[] {
  const order = new Map(files.map((file, index) => [file.path, index]));
  return [...results].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
}
