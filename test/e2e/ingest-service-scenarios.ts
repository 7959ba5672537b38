/**
 * `npm run ingest` against the real service (not a stand-in): local photos as uploads, a photo
 * URL fetched by the service from an allow-listed host, a bad line and a photo the host does
 * not have, each reported with its line; then a re-run of the same feed without its state file
 * runs no model (every photo's vector is reused). Defined once, run against every backend.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { runIngest } from '../helpers/ingest-command';
import type { LocalHttpServer } from '../helpers/local-http-server';
import { startLocalHttpServer } from '../helpers/local-http-server';
import type { TestServer } from '../helpers/test-server';

const root = path.join(__dirname, '..', '..');
const example = path.join(root, 'scripts', 'ingest', 'example');

/** `product_search_indexed_photos_total{source="..."}` from the service's /metrics. */
async function photos(server: TestServer, source: 'reused' | 'embedded'): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`product_search_indexed_photos_total{source="${source}"}`));
  return Number(line?.split(' ').pop() ?? 0);
}

export function describeIngestAgainstService(
  start: (env: Record<string, string>) => Promise<TestServer>,
): void {
  let server: TestServer;
  let host: LocalHttpServer;
  let tmp: string;

  beforeAll(async () => {
    const green = readFileSync(path.join(example, 'photos', 'green.jpg'));
    host = await startLocalHttpServer((req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url === '/green.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(green);
      else res.writeHead(404).end();
    });
    server = await start({ IMAGE_FETCH_ALLOW_HOSTS: '127.0.0.1', IMAGE_FETCH_RETRIES: '0' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ingest-service-'));
    mkdirSync(path.join(tmp, 'photos'));
    for (const colour of ['red', 'blue', 'yellow']) {
      copyFileSync(
        path.join(example, 'photos', `${colour}.jpg`),
        path.join(tmp, 'photos', `${colour}.jpg`),
      );
    }
  });
  afterAll(async () => {
    await server?.stop();
    await host?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('loads a feed through the real API, reports each bad line, and a re-run embeds nothing', async () => {
    const product = (id: string, photo: string) =>
      JSON.stringify({
        id,
        title: `Ingested ${id}`,
        category: 'feed',
        price: 3,
        currency: 'USD',
        photos: [photo],
      });
    const lines = [
      product('feed-red', 'photos/red.jpg'),
      product('feed-blue', 'photos/blue.jpg'),
      JSON.stringify({
        id: 'feed-no-title',
        category: 'feed',
        price: 1,
        currency: 'USD',
        photos: ['photos/red.jpg'],
      }),
      product('feed-green', `${host.baseUrl}/green.jpg`),
      product('feed-missing', `${host.baseUrl}/missing.jpg`),
      product('feed-yellow', 'photos/yellow.jpg'),
    ];
    const feed = path.join(tmp, 'feed.jsonl');
    writeFileSync(feed, `${lines.join('\n')}\n`);
    const report = path.join(tmp, 'failures.jsonl');
    const graphqlUrl = `${server.url}/graphql`;

    const first = await runIngest([feed, '--url', graphqlUrl, '--report', report]);
    expect(first.code).toBe(1);
    const failures = readFileSync(report, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { line: number; code: string });
    expect(failures.map((f) => [f.line, f.code]).sort()).toEqual([
      [3, 'INVALID_LINE'],
      [5, 'IMAGE_FETCH_FAILED'],
    ]);
    const ids = ['feed-red', 'feed-blue', 'feed-green', 'feed-yellow', 'feed-missing'];
    const { body } = await server.graphql(`{ products(ids: ${JSON.stringify(ids)}) { id } }`);
    expect(body.data).toEqual({
      products: [
        { id: 'feed-red' },
        { id: 'feed-blue' },
        { id: 'feed-green' },
        { id: 'feed-yellow' },
        null,
      ],
    });
    const embedded = await photos(server, 'embedded');
    expect(embedded).toBeGreaterThanOrEqual(4);

    // The same feed again, without the state file: every product is sent, no photo is embedded.
    rmSync(`${feed}.ingest-state`, { force: true });
    const reused = await photos(server, 'reused');
    const again = await runIngest([feed, '--url', graphqlUrl, '--report', report]);
    expect(again.code).toBe(1);
    expect(await photos(server, 'embedded')).toBe(embedded);
    expect(await photos(server, 'reused')).toBe(reused + 4);
  });
}
