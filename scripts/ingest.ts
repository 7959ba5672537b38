/**
 * `npm run ingest -- FILE [--url URL] [--batch 100] [--concurrency 4] [--report FILE]
 *   [--state FILE] [--dry-run] [--format jsonl|csv] [--max-files 10] [--header 'K: V']...`
 *
 * Sends a catalog feed (JSONL or CSV, see scripts/ingest/ingest-feed.ts and the README) to a
 * running service through its GraphQL `indexProducts` mutation, with a progress bar, a report
 * of every failed line, and a state file that lets an interrupted run resume.
 * Exit code: 0 all sent, 1 some lines were invalid or refused, 2 the run stopped early or
 * could not start.
 */
import { Command, InvalidArgumentError } from 'commander';
import { formatOf, type FeedFormat } from './ingest/ingest-feed';
import { formatSummary, runIngest } from './ingest/ingest-run';

interface CliOptions {
  url: string;
  batch: number;
  concurrency: number;
  maxFiles: number;
  report?: string;
  state?: string | false;
  dryRun: boolean;
  format?: FeedFormat;
  header: string[];
  retries: number;
  retryBaseMs: number;
  progress: boolean;
}

const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
  }
  return n;
};
const positive = (max: number) => integer(1, max);

function headers(list: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    list.map((h) => {
      const colon = h.indexOf(':');
      if (colon < 1) throw new InvalidArgumentError(`--header ${h}: expected "Name: value"`);
      return [h.slice(0, colon).trim(), h.slice(colon + 1).trim()];
    }),
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('ingest')
    .argument('<file>', 'the feed: .jsonl or .csv')
    .option(
      '--url <url>',
      'GraphQL endpoint of the running service',
      `http://127.0.0.1:${process.env['PORT'] ?? '4000'}/graphql`,
    )
    .option(
      '--batch <n>',
      'products per indexProducts call (the service takes at most 100 by default)',
      positive(10_000),
      100,
    )
    .option('--concurrency <n>', 'calls in flight at once', positive(64), 4)
    .option(
      '--max-files <n>',
      "uploaded photo files per call (the service's MAX_UPLOAD_FILES)",
      positive(10_000),
      10,
    )
    .option(
      '--report <file>',
      'failed lines as JSONL (line, id, code, message); default FILE.failures.jsonl',
    )
    .option('--state <file>', 'acknowledged lines, for resuming; default FILE.ingest-state')
    .option('--no-state', 'keep no state: a re-run sends everything again')
    .option('--dry-run', 'check every line and report the bad ones; send nothing', false)
    .addOption(
      new Command()
        .createOption('--format <format>', 'jsonl or csv; default from the extension')
        .choices(['jsonl', 'csv']),
    )
    .option(
      '--header <header>',
      "extra HTTP header, repeatable ('Authorization: Bearer ...')",
      (h: string, all: string[]) => [...all, h],
      [] as string[],
    )
    .option(
      '--retries <n>',
      'retries of a request or item the service says may pass later (0: none)',
      integer(0, 100),
      8,
    )
    .option(
      '--retry-base-ms <ms>',
      'first backoff ceiling, doubled each retry',
      positive(60_000),
      500,
    )
    .option('--no-progress', 'no progress bar')
    .parse(argv, { from: 'user' });
  const [file] = program.args as [string];
  const o = program.opts<CliOptions>();
  const format = o.format ?? formatOf(file);
  if (format === undefined)
    throw new InvalidArgumentError(`${file}: say --format jsonl or --format csv`);
  const state = o.state === false ? undefined : (o.state ?? `${file}.ingest-state`);
  const report = o.report ?? `${file}.failures.jsonl`;
  const summary = await runIngest({
    file,
    format,
    url: o.url,
    batch: o.batch,
    concurrency: o.concurrency,
    maxFiles: o.maxFiles,
    report,
    state,
    dryRun: o.dryRun,
    headers: headers(o.header),
    retries: o.retries,
    retryBaseMs: o.retryBaseMs,
    progress: o.progress && process.stderr.isTTY === true,
  });
  process.stdout.write(`${formatSummary(summary, { dryRun: o.dryRun, report, state })}\n`);
  if (summary.aborted !== undefined) return 2;
  return summary.invalid + summary.failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ingest: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
