/**
 * The ingest pipeline: read and check the feed, skip what the state says was acknowledged,
 * group products into `indexProducts` batches (at most `batch` products and `maxFiles` uploaded
 * files each), send up to `concurrency` batches at once, retry what the service says may pass
 * later, and record every outcome: acknowledged products in the state file, failures in the
 * report file.
 *
 * Failure policy, per whole request: OVERLOADED, INDEX_UNAVAILABLE, HTTP 503 and network errors
 * are retried with exponential backoff (full jitter, Retry-After honoured) up to `retries`
 * times, then the run stops (the service is down: re-running resumes); errors that say the
 * command and the service disagree (GraphQL validation, 401/403/404) stop the run at once; any
 * other whole-request error (a file too large for the service, say) splits the batch in two
 * until the product at fault fails alone. Per item: OVERLOADED and INDEX_UNAVAILABLE items are
 * retried like requests, other item errors are final and reported.
 */
import { createReadStream } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { indexProducts, RequestFailure, RETRYABLE, type ItemResult } from './ingest-client';
import { readFeed, type FeedFormat, type FeedLine, type FeedProduct } from './ingest-feed';
import { IngestState } from './ingest-state';

export interface IngestOptions {
  readonly file: string;
  readonly format: FeedFormat;
  /** The service's GraphQL endpoint. */
  readonly url: string;
  readonly batch: number;
  readonly concurrency: number;
  /** Most uploaded files in one request (the service's MAX_UPLOAD_FILES). */
  readonly maxFiles: number;
  readonly report: string | undefined;
  readonly state: string | undefined;
  readonly dryRun: boolean;
  readonly headers: Record<string, string>;
  readonly retries: number;
  readonly retryBaseMs: number;
  /** Draw the progress bar (on stderr). */
  readonly progress: boolean;
}

export interface IngestSummary {
  /** Product lines read (a CSV header is not one). */
  readonly lines: number;
  /** Lines that failed the checks (dry run: every bad line). */
  readonly invalid: number;
  /** Lines the state file already had acknowledged. */
  readonly skipped: number;
  /** Products acknowledged by the service in this run (dry run: lines that would be sent). */
  readonly indexed: number;
  /** Photos of those products. */
  readonly photos: number;
  /** Products the service refused. */
  readonly failed: number;
  readonly seconds: number;
  /** Why the run stopped early, when it did. */
  readonly aborted?: string;
}

/** Codes that mean the command and the service disagree: no retry or split can help. */
const SYSTEMIC = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'HTTP_401',
  'HTTP_403',
  'HTTP_404',
  'HTTP_405',
]);

interface Pending {
  readonly line: number;
  readonly sha: string;
  readonly product: FeedProduct;
}

interface Failure {
  readonly line: number;
  readonly id: string | undefined;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

const uploads = (p: FeedProduct) => p.photos.filter((photo) => photo.kind === 'file').length;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function countLines(file: string): Promise<number> {
  let count = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count += 1;
  }
  return count;
}

/** One run of the command. Never throws for bad lines or refused products: they are counted. */
export async function runIngest(options: IngestOptions): Promise<IngestSummary> {
  return new IngestRun(options).run();
}

class IngestRun {
  private readonly started = performance.now();
  private lines = 0;
  private invalid = 0;
  private skipped = 0;
  private indexed = 0;
  private photos = 0;
  private failed = 0;
  private aborted: string | undefined;
  private report: FileHandle | undefined;
  private state!: IngestState;
  private bar: SingleBar | undefined;

  constructor(private readonly o: IngestOptions) {}

  async run(): Promise<IngestSummary> {
    // A report left by an earlier run would describe lines this run may have fixed.
    if (this.o.report !== undefined) await rm(this.o.report, { force: true });
    this.state = await IngestState.open(this.o.dryRun ? undefined : this.o.state);
    if (this.o.progress) await this.startBar();
    try {
      await this.readAndSend();
    } finally {
      this.bar?.stop();
      await this.state.close();
      await this.report?.close();
    }
    return this.summary();
  }

  private async readAndSend(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    let batch: Pending[] = [];
    let files = 0;
    const dispatch = async () => {
      if (batch.length === 0) return;
      const sending = batch;
      batch = [];
      files = 0;
      while (inFlight.size >= this.o.concurrency) await Promise.race(inFlight);
      if (this.aborted !== undefined) return;
      const task = this.send(sending).finally(() => inFlight.delete(task));
      inFlight.add(task);
    };
    for await (const entry of readFeed(this.o.file, this.o.format)) {
      if (this.aborted !== undefined && !this.o.dryRun) break;
      const pending = await this.admit(entry);
      if (pending === undefined || this.o.dryRun) continue;
      const needed = uploads(pending.product);
      if (batch.length >= this.o.batch || (files + needed > this.o.maxFiles && batch.length > 0)) {
        await dispatch();
      }
      batch.push(pending);
      files += needed;
    }
    if (this.aborted === undefined) await dispatch();
    await Promise.all(inFlight);
  }

  /** Counts and reports a line; returns it when it is to be sent. */
  private async admit(entry: FeedLine): Promise<Pending | undefined> {
    if (entry.fatal === true) {
      await this.fail({
        line: entry.line,
        id: undefined,
        code: 'INVALID_FILE',
        message: entry.problems.join('; '),
      });
      this.aborted = 'the file cannot be read as a feed (see the report); nothing was sent';
      return undefined;
    }
    this.lines += 1;
    if (entry.product === undefined) {
      this.invalid += 1;
      await this.fail({
        line: entry.line,
        id: entry.id,
        code: 'INVALID_LINE',
        message: entry.problems.join('; '),
      });
      return this.tick(undefined);
    }
    if (this.state.isAcknowledged(entry.line, entry.sha)) {
      this.skipped += 1;
      return this.tick(undefined);
    }
    if (this.o.dryRun) {
      this.indexed += 1;
      this.photos += entry.product.photos.length;
      return this.tick(undefined);
    }
    return { line: entry.line, sha: entry.sha, product: entry.product };
  }

  /** Sends one batch to its end: acknowledged, failed, split, or the run aborted. */
  private async send(items: readonly Pending[]): Promise<void> {
    let pending = items;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      let results: ItemResult[];
      try {
        results = await indexProducts(
          this.o.url,
          pending.map((p) => p.product),
          { headers: this.o.headers },
        );
      } catch (error) {
        if (!(error instanceof RequestFailure)) throw error;
        if (RETRYABLE.has(error.code) && attempt < this.o.retries) {
          await this.backoff(attempt, error.retryAfterSeconds);
          continue;
        }
        await this.requestFailed(pending, error);
        return;
      }
      pending = await this.settle(pending, results, attempt < this.o.retries);
      if (pending.length > 0) await this.backoff(attempt, undefined);
    }
  }

  private async requestFailed(pending: readonly Pending[], error: RequestFailure): Promise<void> {
    if (RETRYABLE.has(error.code) || SYSTEMIC.has(error.code)) {
      this.aborted ??= `${error.code}: ${error.message}`;
      return;
    }
    if (pending.length > 1) {
      const half = Math.ceil(pending.length / 2);
      await this.send(pending.slice(0, half));
      await this.send(pending.slice(half));
      return;
    }
    const [only] = pending as [Pending];
    await this.fail({
      line: only.line,
      id: only.product.id,
      code: error.code,
      message: error.message,
    });
    this.failed += 1;
    this.tick(undefined);
  }

  /** Records each item's outcome; returns the items to try again. */
  private async settle(
    pending: readonly Pending[],
    results: readonly ItemResult[],
    mayRetry: boolean,
  ): Promise<Pending[]> {
    const again: Pending[] = [];
    const acked: Pending[] = [];
    for (const [position, item] of pending.entries()) {
      const result = results.find((r) => r.index === position) ?? results[position];
      const error = result?.error ?? null;
      if (error === null) {
        acked.push(item);
      } else if (mayRetry && RETRYABLE.has(error.code)) {
        again.push(item);
      } else {
        this.failed += 1;
        const field = error.field ?? undefined;
        await this.fail({
          line: item.line,
          id: item.product.id,
          code: error.code,
          message: error.message,
          ...(field === undefined ? {} : { field }),
        });
        this.tick(undefined);
      }
    }
    await this.state.record(acked.map((p) => ({ line: p.line, id: p.product.id, sha: p.sha })));
    for (const item of acked) {
      this.indexed += 1;
      this.photos += item.product.photos.length;
      this.tick(undefined);
    }
    return again;
  }

  private async backoff(attempt: number, retryAfterSeconds: number | undefined): Promise<void> {
    const ceiling = Math.min(30_000, this.o.retryBaseMs * 2 ** attempt);
    const wait = Math.max(Math.random() * ceiling, (retryAfterSeconds ?? 0) * 1000);
    await delay(Math.min(wait, 60_000));
  }

  private async fail(failure: Failure): Promise<void> {
    if (this.o.report !== undefined) {
      // Opened at the first failure, so a clean run leaves no empty report behind.
      this.report ??= await open(this.o.report, 'a');
      await this.report.write(`${JSON.stringify(failure)}\n`);
    }
    // A dry run is read by a person: every bad line on the terminal as well.
    if (this.o.dryRun) process.stdout.write(`line ${failure.line}: ${failure.message}\n`);
  }

  private tick(value: undefined): undefined {
    if (this.bar !== undefined) {
      const seconds = Math.max(0.001, (performance.now() - this.started) / 1000);
      this.bar.increment(1, {
        pps: (this.indexed / seconds).toFixed(1),
        phs: (this.photos / seconds).toFixed(1),
        errors: this.invalid + this.failed,
      });
    }
    return value;
  }

  private async startBar(): Promise<void> {
    const total = await countLines(this.o.file);
    this.bar = new SingleBar({
      format:
        '{bar} {percentage}% | {value}/{total} lines | {pps} products/s | {phs} photos/s | errors {errors} | ETA {eta_formatted}',
      stream: process.stderr,
      etaBuffer: 200,
      hideCursor: true,
    });
    this.bar.start(this.o.format === 'csv' ? Math.max(0, total - 1) : total, 0, {
      pps: '0.0',
      phs: '0.0',
      errors: 0,
    });
  }

  private summary(): IngestSummary {
    const seconds = (performance.now() - this.started) / 1000;
    const { lines, invalid, skipped, indexed, photos, failed, aborted } = this;
    return {
      lines,
      invalid,
      skipped,
      indexed,
      photos,
      failed,
      seconds,
      ...(aborted === undefined ? {} : { aborted }),
    };
  }
}

/** The summary as the command prints it. */
export function formatSummary(
  s: IngestSummary,
  o: Pick<IngestOptions, 'dryRun' | 'report' | 'state'>,
): string {
  const rate = (n: number) => (s.seconds > 0 ? (n / s.seconds).toFixed(1) : '0.0');
  const rows = [
    `lines      ${s.lines}`,
    o.dryRun
      ? `valid      ${s.indexed} (photos ${s.photos}); nothing was sent (--dry-run)`
      : `indexed    ${s.indexed} (photos ${s.photos})`,
    `skipped    ${s.skipped} already acknowledged${o.state === undefined || o.dryRun ? '' : ` (state: ${o.state})`}`,
    `invalid    ${s.invalid}`,
    `failed     ${s.failed}`,
    `time       ${s.seconds.toFixed(1)} s, ${rate(s.indexed)} products/s, ${rate(s.photos)} photos/s`,
  ];
  if (s.invalid + s.failed > 0 && o.report !== undefined) rows.push(`report     ${o.report}`);
  if (s.aborted !== undefined)
    rows.push(`stopped    ${s.aborted}; re-run the same command to resume`);
  return rows.join('\n');
}
