/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/**
 * The service is killed (SIGKILL: no shutdown hook runs) in the middle of `npm run ingest`:
 * every product the command recorded as acknowledged is there after a restart on the same data
 * dir, no product is half-written, and re-running the command resumes: it skips exactly the
 * acknowledged lines and the catalog ends complete.
 *
 * The kill lands at a known point without timing: the photo host holds back the photos of the
 * second half of the feed, and the service is killed when the first of those is asked for.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { photoOf } from '../helpers/images';
import { runIngest } from '../helpers/ingest-command';
import type { LocalHttpServer } from '../helpers/local-http-server';
import { startLocalHttpServer } from '../helpers/local-http-server';
import type { ServiceProcess } from '../helpers/service-process';
import { startServiceProcess } from '../helpers/service-process';
import { toyModelDir } from '../helpers/toy-model';

const PRODUCTS = 60;
const HELD_FROM = 30;
const COLOURS = ['red', 'blue', 'green', 'yellow'] as const;

/** `src/main.ts` on the SQLite backend in `dataDir`, fetching photos from 127.0.0.1 only. */
function startService(dataDir: string): Promise<ServiceProcess> {
  return startServiceProcess({
    NODE_ENV: 'test',
    AUTH_MODE: 'off',
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    MODEL_DIR: toyModelDir(),
    DATA_DIR: dataDir,
    ES_URL: '',
    LOG_LEVEL: 'info',
    ORT_INTRA_OP_THREADS: '1',
    ORT_INTER_OP_THREADS: '1',
    IMAGE_FETCH_ALLOW_HOSTS: '127.0.0.1',
    IMAGE_FETCH_RETRIES: '0',
  });
}

async function products(
  service: ServiceProcess,
  ids: readonly string[],
): Promise<Array<{ id: string; title: string; images: unknown[] } | null>> {
  const response = await fetch(service.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'query($ids: [ID!]!) { products(ids: $ids) { id title images { id } } }',
      variables: { ids },
    }),
  });
  const body = (await response.json()) as {
    data: { products: Array<{ id: string; title: string; images: unknown[] } | null> };
  };
  return body.data.products;
}

let tmp: string;
let host: LocalHttpServer;
const photos = new Map<string, Buffer>();
/** Requests for held photos, answered once the service has been killed. */
const held: http.ServerResponse[] = [];
let holding = true;
let firstHeld: () => void;
const reachedHeld = new Promise<void>((resolve) => (firstHeld = resolve));

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ingest-kill-'));
  for (const colour of COLOURS) photos.set(colour, await photoOf(colour));
  host = await startLocalHttpServer((req, res) => {
    const match = /^\/(\d+)\/(\w+)\.jpg$/.exec(req.url ?? '');
    const bytes = match === null ? undefined : photos.get(match[2] ?? '');
    if (match === null || bytes === undefined) {
      res.writeHead(404).end();
      return;
    }
    if (holding && Number(match[1]) >= HELD_FROM) {
      held.push(res);
      firstHeld();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(bytes);
  });
});

afterAll(async () => {
  for (const res of held) res.destroy();
  await host?.close();
  rmSync(tmp, { recursive: true, force: true });
});

it('keeps every acknowledged product across a SIGKILL mid-ingest, and a re-run resumes', async () => {
  const ids = Array.from({ length: PRODUCTS }, (_, n) => `kill-${n}`);
  const lines = ids.map((id, n) =>
    JSON.stringify({
      id,
      title: `Product ${n}`,
      category: 'feed',
      price: n + 1,
      currency: 'USD',
      photos: [`${host.baseUrl}/${n}/${COLOURS[n % COLOURS.length]}.jpg`],
    }),
  );
  const feed = path.join(tmp, 'feed.jsonl');
  writeFileSync(feed, `${lines.join('\n')}\n`);
  const dataDir = path.join(tmp, 'data');
  const common = ['--batch', '5', '--concurrency', '2', '--retries', '0'];

  const first = await startService(dataDir);
  const run = runIngest([feed, '--url', first.graphqlUrl, ...common]);
  await reachedHeld;
  expect(await first.kill()).toBe('SIGKILL');
  const interrupted = await run;
  // Stopped, not failed: the command says the service is gone and that a re-run resumes.
  expect(interrupted.code).toBe(2);
  expect(interrupted.stdout).toMatch(/stopped\s+NETWORK: .*re-run the same command to resume/);

  const acked = readFileSync(`${feed}.ingest-state`, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { id: string }).id);
  expect(acked.length).toBeGreaterThan(0);
  expect(acked.length).toBeLessThan(PRODUCTS);

  holding = false;
  for (const res of held.splice(0)) res.destroy();
  const second = await startService(dataDir);
  try {
    // Durable: every acknowledged product is there, whole.
    const afterKill = await products(second, ids);
    const byId = new Map(afterKill.filter((p) => p !== null).map((p) => [p.id, p]));
    for (const id of acked) {
      expect(byId.get(id)).toEqual({
        id,
        title: `Product ${id.slice(5)}`,
        images: [{ id: `${id}#0` }],
      });
    }
    // Nothing half-written: a product the kill caught in flight is either whole or absent.
    for (const product of byId.values()) expect(product.images).toHaveLength(1);

    const resumed = await runIngest([feed, '--url', second.graphqlUrl, ...common]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`skipped\\s+${acked.length} already acknowledged`));
    const complete = await products(second, ids);
    expect(complete.map((p) => p?.id)).toEqual(ids);
  } finally {
    await second.kill();
  }
});
