/**
 * One file's download, resumable: bytes go to `<target>.part`, a stable name, so a download
 * killed or stalled halfway is continued by the next run with an HTTP Range request instead
 * of starting over (a 600 MB model on a flaky link). The part file is removed whenever it
 * cannot be continued: wrong bytes, too many bytes, an HTTP error, a server that ignores or
 * mangles the range (then the download restarts from zero in the same run).
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { ModelUnavailableError } from '../errors/app-error';
import type { CatalogFile } from './model-catalog';

export interface DownloadRequest {
  readonly url: string;
  readonly file: CatalogFile;
  /** `<target>.part`. */
  readonly part: string;
  readonly stallTimeoutMs: number;
  readonly fetchImpl: typeof fetch;
  /** receivedBytes counts the resumed prefix too. */
  readonly onProgress: (kind: 'start' | 'data', received: number, total: number | null) => void;
  /** Builds the error for `reason` (the caller names model, URL and retry command). */
  readonly fail: (
    reason: string,
    extra?: { cause?: unknown; httpStatus?: number },
  ) => ModelUnavailableError;
}

/** Thrown inside to restart once from zero: the server did not honour the range. */
class RangeRefused extends Error {}

/** Downloads into request.part, resuming what is there; returns the part file's final size. */
export async function downloadToPart(request: DownloadRequest): Promise<number> {
  let offset = (await stat(request.part).catch(() => undefined))?.size ?? 0;
  const expected = request.file.sizeBytes;
  if (expected !== null && offset > expected) offset = 0;
  if (offset === 0) await rm(request.part, { force: true });
  try {
    return await attempt(request, offset);
  } catch (error) {
    if (!(error instanceof RangeRefused)) throw error;
    await rm(request.part, { force: true });
    return attempt(request, 0);
  }
}

async function attempt(request: DownloadRequest, offset: number): Promise<number> {
  const stall = stallTimer(request.stallTimeoutMs);
  let received = offset;
  try {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const response = await request.fetchImpl(request.url, {
      redirect: 'follow',
      signal: stall.signal,
      headers,
    });
    const append = offset > 0 && response.status === 206;
    if (offset > 0 && !append) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 200 || response.status === 416) throw new RangeRefused();
    }
    if (append && !rangeStartsAt(response, offset)) {
      await response.body?.cancel().catch(() => undefined);
      throw new RangeRefused();
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      await rm(request.part, { force: true });
      throw request.fail(`HTTP ${response.status} ${response.statusText}`.trim(), {
        httpStatus: response.status,
      });
    }
    const total = request.file.sizeBytes ?? totalLength(response, offset);
    request.onProgress('start', received, total);
    const body = Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>);
    await writeAll(body, createWriteStream(request.part, { flags: append ? 'a' : 'w' }), (n) => {
      received += n;
      stall.rearm();
      request.onProgress('data', received, total);
    });
    return received;
  } catch (error) {
    if (error instanceof ModelUnavailableError || error instanceof RangeRefused) throw error;
    // The part file stays: the next run continues from `received` bytes.
    const reason = stall.signal.aborted
      ? `no data for ${request.stallTimeoutMs} ms (timed out after ${received} bytes; ` +
        'the next run resumes from there)'
      : describeNetworkError(error);
    throw request.fail(reason, { cause: error });
  } finally {
    stall.clear();
  }
}

/** A 206 must continue exactly where the part file ends: `Content-Range: bytes <offset>-...`. */
function rangeStartsAt(response: Response, offset: number): boolean {
  const match = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  return match !== null && Number(match[1]) === offset;
}

function totalLength(response: Response, offset: number): number | null {
  const header = response.headers.get('content-length');
  const value = header === null ? NaN : Number(header);
  return Number.isSafeInteger(value) && value >= 0 ? value + offset : null;
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

/**
 * Copies `body` into `out`, and on a broken transfer still flushes every byte already received
 * before rethrowing: the part file then holds all of them and the next run resumes after them
 * (`pipeline` would destroy the file stream and could drop chunks it had buffered).
 */
async function writeAll(
  body: Readable,
  out: WriteStream,
  onChunk: (bytes: number) => void,
): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => {
    out.once('close', resolve);
    out.once('error', reject);
  });
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      onChunk(chunk.length);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } catch (error) {
    out.end();
    await closed.catch(() => undefined);
    throw error;
  }
  out.end();
  await closed;
}
