import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseFusion } from '../../scripts/eval/eval-fusion';
import { parseQrels } from '../../scripts/eval/eval-qrels';
import type { EvalReport } from '../../scripts/eval/eval-run';
import { runEval } from '../../scripts/eval/eval-run';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';
import { indexCatalog } from './catalog-fixture';

/*
 * The example set (scripts/eval/example/qrels.jsonl) against a real service running the toy
 * model with the e2e catalog indexed: the command a team runs on its own catalog.
 */
const root = path.join(__dirname, '..', '..');
const qrels = path.join(root, 'scripts', 'eval', 'example', 'qrels.jsonl');

describe('npm run eval on the example set', () => {
  let server: TestServer;
  let tmp: string;

  beforeAll(async () => {
    server = await startTestServer();
    await indexCatalog(server);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'eval-'));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('scores every query kind under every fusion setting', async () => {
    const queries = parseQrels(readFileSync(qrels, 'utf8'), qrels);
    const settings = [parseFusion('default'), parseFusion('linear:keyword=0')];
    const report = await runEval(server.graphqlUrl, qrels, queries, settings);
    expect(report.settings.map((s) => s.name)).toEqual(['default', 'linear:keyword=0']);
    for (const setting of report.settings) {
      expect(Object.keys(setting.byKind).sort()).toEqual(['all', 'image', 'text', 'text+image']);
      expect(setting.byKind.all?.queries).toBe(9);
      for (const summary of Object.values(setting.byKind)) {
        for (const value of [summary.recallAt1, summary.mrr, summary.ndcgAt10]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
      }
      // The toy model puts the product of the query's colour first for these queries.
      expect(setting.byKind.all?.recallAt10).toBeGreaterThan(0.8);
      expect(setting.byKind.image?.mrr).toBe(1);
    }
  });

  it('runs as a command: table on stdout, JSON report on request', async () => {
    const out = path.join(tmp, 'report.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        path.join(root, 'scripts', 'eval.ts'),
        qrels,
        '--url',
        server.graphqlUrl,
        '--fusion',
        'rrf',
        '--json',
        out,
      ],
      { cwd: root, timeout: 60_000 },
    );
    expect(stdout).toMatch(/^fusion\s+kind\s+n\s+R@1\s+R@5\s+R@10\s+MRR\s+nDCG@10/);
    expect(stdout).toMatch(/\nrrf\s+text\+image\s+2\s/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as EvalReport;
    expect(report.settings[0]?.queries).toHaveLength(9);
  }, 60_000);
});
