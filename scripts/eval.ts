/**
 * `npm run eval -- QRELS [--url URL] [--fusion SPEC]... [--json FILE]`
 *
 * Measures search quality on a team's own catalog: runs every query of a labelled set
 * (scripts/eval/eval-qrels.ts) against a running service and prints recall@1/5/10, MRR and
 * nDCG@10 per query kind (text, image, text+image) and per fusion setting, so weights can be
 * chosen on real data. --json writes the full report (per-query rankings too); `-` is stdout.
 * See scripts/eval/README.md for building a qrels file from search logs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parseFusion } from './eval/eval-fusion';
import { parseQrels } from './eval/eval-qrels';
import type { NamedFusion } from './eval/eval-run';
import { formatReport, runEval } from './eval/eval-run';

interface CliOptions {
  url: string;
  fusion: NamedFusion[];
  json?: string;
}

async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('eval')
    .argument('<qrels>', 'labelled queries, JSONL')
    .option(
      '--url <url>',
      'GraphQL endpoint of the running service',
      `http://127.0.0.1:${process.env['PORT'] ?? '4000'}/graphql`,
    )
    .option(
      '--fusion <spec>',
      'fusion setting to compare, repeatable: default | rrf[:image=1,text=1,keyword=1,rrfK=60] | linear[:...]',
      (spec: string, all: NamedFusion[]) => [...all, parseFusion(spec)],
      [] as NamedFusion[],
    )
    .option('--json <file>', 'write the full report as JSON (- for stdout)')
    .parse(argv, { from: 'user' });
  const [qrels] = program.args as [string];
  const options = program.opts<CliOptions>();
  const queries = parseQrels(await readFile(qrels, 'utf8'), qrels);
  const settings = options.fusion.length > 0 ? options.fusion : [{ name: 'default' }];
  const report = await runEval(options.url, qrels, queries, settings);
  if (options.json === '-') {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatReport(report)}\n`);
  if (options.json !== undefined)
    await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`eval: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
