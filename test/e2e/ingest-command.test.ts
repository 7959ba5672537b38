/**
 * `npm run ingest` as a user runs it: the real command in a child process, over real HTTP,
 * against a stand-in indexProducts server (real GraphQL execution and multipart parsing).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIngest } from '../helpers/ingest-command';
import { startStandIn, type StandInServer } from '../helpers/ingest-stand-in-server';

const root = path.join(__dirname, '..', '..');
const example = path.join(root, 'scripts', 'ingest', 'example');
const ingest = (args: readonly string[]) => startIngest([...args, '--retry-base-ms', '1']).done;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const jsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

let tmp: string;
const servers: StandInServer[] = [];
async function standIn(...args: Parameters<typeof startStandIn>) {
  const server = await startStandIn(...args);
  servers.push(server);
  return server;
}

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ingest-'));
  mkdirSync(path.join(tmp, 'photos'));
  for (const colour of ['red', 'blue', 'green', 'yellow']) {
    copyFileSync(
      path.join(example, 'photos', `${colour}.jpg`),
      path.join(tmp, 'photos', `${colour}.jpg`),
    );
  }
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  rmSync(tmp, { recursive: true, force: true });
});

/** `n` products, each with one local photo (cycling through the four colours). */
function feed(n: number, extra: (i: number) => string | undefined = () => undefined): string {
  const colours = ['red', 'blue', 'green', 'yellow'];
  const lines = Array.from({ length: n }, (_, i) => {
    return (
      extra(i) ??
      JSON.stringify({
        id: `p${i}`,
        title: `Product ${i}`,
        category: 'c',
        price: i,
        currency: 'USD',
        photos: [`photos/${colours[i % 4]}.jpg`],
      })
    );
  });
  const file = path.join(tmp, 'feed.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

it('sends the example JSONL feed: fields, uploads byte for byte, URLs as PhotoInput.url; a re-run sends nothing', async () => {
  const server = await standIn();
  const file = path.join(tmp, 'products.jsonl');
  copyFileSync(path.join(example, 'products.jsonl'), file);
  const first = await ingest([file, '--url', server.graphqlUrl]);
  expect(first.code).toBe(0);
  expect(server.acknowledged.map((p) => p.id)).toEqual([
    'sku-red-shirt',
    'sku-blue-mug',
    'sku-green-plant',
    'sku-yellow-raincoat',
  ]);
  const [shirt, mug, , coat] = server.acknowledged;
  expect(shirt!.input).toMatchObject({
    title: 'Red cotton shirt',
    price: 19.9,
    currency: 'USD',
    tags: ['shirt', 'red'],
    inStock: true,
  });
  expect(shirt!.photos).toEqual([{ sha256: sha(path.join(tmp, 'photos', 'red.jpg')) }]);
  expect(mug!.photos).toEqual([
    { sha256: sha(path.join(tmp, 'photos', 'blue.jpg')) },
    { url: 'https://images.example.com/mugs/blue-side.jpg' },
  ]);
  expect(coat!.photos).toEqual([{ url: 'https://images.example.com/coats/yellow.jpg' }]);
  expect(jsonl(`${file}.ingest-state`).map((s) => s['line'])).toEqual([1, 2, 3, 4]);

  const again = await ingest([file, '--url', server.graphqlUrl]);
  expect(again.code).toBe(0);
  expect(server.calls).toHaveLength(1);
  expect(again.stdout).toMatch(/skipped\s+4/);
});

it('sends the example CSV feed as the same products as the JSONL one', async () => {
  const fromJsonl = await standIn();
  const fromCsv = await standIn();
  for (const name of ['products.jsonl', 'products.csv'])
    copyFileSync(path.join(example, name), path.join(tmp, name));
  expect(
    (await ingest([path.join(tmp, 'products.jsonl'), '--url', fromJsonl.graphqlUrl])).code,
  ).toBe(0);
  expect((await ingest([path.join(tmp, 'products.csv'), '--url', fromCsv.graphqlUrl])).code).toBe(
    0,
  );
  expect(fromCsv.acknowledged).toHaveLength(4);
  expect(fromCsv.acknowledged).toEqual(fromJsonl.acknowledged);
});

it('skips and reports bad lines and refused products with line, id and code; exits 1', async () => {
  const server = await standIn({ refuse: new Set(['p4']) });
  const file = feed(8, (i) => {
    if (i === 1) return '{"id":"p1", not json';
    if (i === 2)
      return JSON.stringify({
        id: 'p2',
        title: 'x',
        category: 'c',
        price: 'free',
        currency: 'USD',
        photos: ['photos/red.jpg'],
      });
    if (i === 6)
      return JSON.stringify({
        id: 'p6',
        title: 'x',
        category: 'c',
        price: 1,
        currency: 'USD',
        photos: ['photos/none.jpg'],
      });
    return undefined;
  });
  const report = path.join(tmp, 'failures.jsonl');
  const run = await ingest([file, '--url', server.graphqlUrl, '--report', report, '--batch', '3']);
  expect(run.code).toBe(1);
  expect(server.acknowledged.map((p) => p.id).sort()).toEqual(['p0', 'p3', 'p5', 'p7']);
  expect(jsonl(report).map(({ line, id, code }) => ({ line, id, code }))).toEqual([
    { line: 2, id: undefined, code: 'INVALID_LINE' },
    { line: 3, id: 'p2', code: 'INVALID_LINE' },
    { line: 7, id: 'p6', code: 'INVALID_LINE' },
    { line: 5, id: 'p4', code: 'BAD_USER_INPUT' },
  ]);
  // The refused product is not recorded as acknowledged: the next run tries it again.
  expect(
    jsonl(`${file}.ingest-state`)
      .map((s) => s['id'])
      .sort(),
  ).toEqual(['p0', 'p3', 'p5', 'p7']);
});

it('--dry-run reports every bad line (JSON, fields, types, unknown CSV columns) and sends nothing', async () => {
  const server = await standIn();
  const file = feed(4, (i) =>
    i === 3 ? JSON.stringify({ id: 'p3', title: 't', colour: 'red' }) : undefined,
  );
  const run = await ingest([file, '--url', server.graphqlUrl, '--dry-run']);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/^line 4: /m);
  expect(server.calls).toEqual([]);
  const csv = path.join(tmp, 'bad.csv');
  writeFileSync(
    csv,
    'id,title,category,price,currency,photos,colour\np1,t,c,1,USD,photos/red.jpg,red\n',
  );
  const csvRun = await ingest([csv, '--url', server.graphqlUrl]);
  expect(csvRun.code).toBe(2);
  expect(jsonl(`${csv}.failures.jsonl`)).toEqual([
    expect.objectContaining({ line: 1, code: 'INVALID_FILE' }),
  ]);
  expect(server.calls).toEqual([]);
});

it('retries OVERLOADED requests and items with backoff until every product is acknowledged', async () => {
  const server = await standIn({ overloadedRequests: 2, overloadedOnce: new Set(['p1', 'p4']) });
  const file = feed(6);
  const run = await ingest([
    file,
    '--url',
    server.graphqlUrl,
    '--batch',
    '3',
    '--concurrency',
    '1',
  ]);
  expect(run.code).toBe(0);
  expect(server.acknowledged.map((p) => p.id).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
  // Two whole batches, then each batch's overloaded item alone.
  expect(server.calls).toEqual([3, 1, 3, 1]);
});

it('keeps each call under --max-files uploaded files', async () => {
  const server = await standIn({ maxFiles: 5 });
  const run = await ingest([
    feed(12),
    '--url',
    server.graphqlUrl,
    '--max-files',
    '5',
    '--concurrency',
    '1',
  ]);
  expect(run.code).toBe(0);
  expect(server.calls).toEqual([5, 5, 2]);
});

it('stops with exit 2 when the service cannot be reached, and resumes later', async () => {
  const file = feed(3);
  const run = await ingest([file, '--url', 'http://127.0.0.1:1/graphql', '--retries', '1']);
  expect(run.code).toBe(2);
  const server = await standIn();
  expect((await ingest([file, '--url', server.graphqlUrl])).code).toBe(0);
  expect(server.acknowledged).toHaveLength(3);
});

it('killed with SIGKILL mid-run, a re-run sends only what was not acknowledged', async () => {
  const file = feed(20);
  const stalled = await standIn({ holdAfter: 3 });
  const { child, done } = startIngest([
    file,
    '--url',
    stalled.graphqlUrl,
    '--batch',
    '2',
    '--concurrency',
    '1',
  ]);
  await stalled.held; // 3 batches answered (and, with one call at a time, recorded); the 4th hangs
  child.kill('SIGKILL');
  expect((await done).code).toBeNull();
  const acked = stalled.acknowledged.map((p) => p.id);
  expect(acked).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
  expect(jsonl(`${file}.ingest-state`).map((s) => s['id'])).toEqual(acked);

  const server = await standIn();
  const rerun = await ingest([file, '--url', server.graphqlUrl, '--batch', '2']);
  expect(rerun.code).toBe(0);
  const resent = server.acknowledged.map((p) => p.id);
  expect(resent.filter((id) => acked.includes(id))).toEqual([]);
  expect([...acked, ...resent].sort()).toEqual(
    Array.from({ length: 20 }, (_, i) => `p${i}`).sort(),
  );
  expect(rerun.stdout).toMatch(/skipped\s+6/);
});
