/** GET /photos/<sha256> over real HTTP, served from a real FsPhotoStore by the real HTTP server. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsPhotoStore } from '../../src/adapters/photo-store/fs-photo-store';
import { loadConfig } from '../../src/config/load-config';
import { createHttpServer, type HttpApp, type HttpServer } from '../../src/http/http-server';
import { createLogger } from '../../src/observability/logger';
import { createMetrics } from '../../src/observability/metrics';
import { photoOf, solidImage } from '../helpers/images';
import { accessFor } from '../fakes/in-memory-api-key-store';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const unused = () => Promise.reject(new Error('not used by these tests'));

let dir: string;
const servers: HttpServer[] = [];

async function serve(photos: HttpApp['photos']): Promise<string> {
  const config = loadConfig(
    { NODE_ENV: 'test', PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'silent' },
    { availableParallelism: 1 },
  );
  const app: HttpApp = {
    search: { search: unused },
    indexing: {
      indexProduct: unused,
      indexProducts: unused,
      updateProduct: unused,
      addProductPhotos: unused,
      removeProductPhotos: unused,
      deleteProduct: unused,
      getProducts: unused,
    },
    access: accessFor(),
    feedback: { record: unused },
    nearDuplicates: { find: unused },
    readiness: () => Promise.resolve({ ready: true, checks: {} }),
    metrics: createMetrics(),
    photos,
  };
  const server = createHttpServer({ app, config, logger: createLogger(config.log) });
  servers.push(server);
  return (await server.listen()).url;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pis-photo-route-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

it('serves a kept photo with its type, immutable caching and the hash as ETag; 304 on If-None-Match', async () => {
  const store = await FsPhotoStore.open(dir);
  const jpeg = await photoOf('red');
  const png = await solidImage('green', 'png');
  await store.put(sha(jpeg), jpeg, 'image/jpeg');
  await store.put(sha(png), png, 'image/png');
  const url = await serve(store);

  const response = await fetch(`${url}/photos/${sha(jpeg)}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('image/jpeg');
  expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(response.headers.get('etag')).toBe(`"${sha(jpeg)}"`);
  expect(Buffer.from(await response.arrayBuffer()).equals(jpeg)).toBe(true);
  const pngResponse = await fetch(`${url}/photos/${sha(png)}`);
  expect(pngResponse.headers.get('content-type')).toBe('image/png');
  expect(Buffer.from(await pngResponse.arrayBuffer()).equals(png)).toBe(true);

  for (const tag of [`"${sha(jpeg)}"`, `W/"${sha(jpeg)}"`, `"other", "${sha(jpeg)}"`, '*']) {
    const cached = await fetch(`${url}/photos/${sha(jpeg)}`, { headers: { 'if-none-match': tag } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(`"${sha(jpeg)}"`);
    expect((await cached.arrayBuffer()).byteLength).toBe(0);
  }
  const stale = await fetch(`${url}/photos/${sha(jpeg)}`, { headers: { 'if-none-match': '"x"' } });
  expect(stale.status).toBe(200);
  await stale.arrayBuffer();
});

it('answers 404 NOT_FOUND for an unknown hash and 400 BAD_USER_INPUT for a malformed one', async () => {
  const url = await serve(await FsPhotoStore.open(dir));
  const unknown = await fetch(`${url}/photos/${'e'.repeat(64)}`);
  expect(unknown.status).toBe(404);
  expect(
    ((await unknown.json()) as { errors: [{ extensions: { code: string } }] }).errors[0].extensions
      .code,
  ).toBe('NOT_FOUND');
  for (const bad of ['abc', 'E'.repeat(64), '..%2F..%2Fetc%2Fpasswd', `${'a'.repeat(64)}.jpg`]) {
    const response = await fetch(`${url}/photos/${bad}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: [{ extensions: { code: string } }] };
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  }
});

it('answers 404 for every photo when no originals are kept (PHOTO_STORE=none)', async () => {
  const url = await serve(undefined);
  const response = await fetch(`${url}/photos/${'a'.repeat(64)}`);
  expect(response.status).toBe(404);
  await response.arrayBuffer();
});
