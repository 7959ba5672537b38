/**
 * Request ids and logs, over real HTTP but with fake services (no model needed): every log line
 * of a request carries its id, and unknown failures are logged in full but shown generically.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config';
import type { HttpApp, HttpServer } from '../../src/http/http-server';
import { createHttpServer } from '../../src/http/http-server';
import { createMetrics } from '../../src/observability/metrics';
import { accessFor } from '../fakes/in-memory-api-key-store';

const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  },
});

const app: HttpApp = {
  search: {
    search: () => Promise.reject(new Error('secret backend detail')),
  },
  indexing: {
    getProducts: (ids) => Promise.resolve(ids.map(() => null)),
    indexProduct: () => Promise.reject(new Error('not used')),
    deleteProduct: () => Promise.resolve(false),
    indexProducts: () => Promise.reject(new Error('not used')),
    updateProduct: () => Promise.reject(new Error('not used')),
    addProductPhotos: () => Promise.reject(new Error('not used')),
    removeProductPhotos: () => Promise.reject(new Error('not used')),
  },
  readiness: () => Promise.resolve({ ready: false, checks: { index: 'unreachable' } }),
  metrics: createMetrics({ defaultMetrics: false }),
  access: accessFor(),
  feedback: { record: () => Promise.reject(new Error('not used')) },
  nearDuplicates: { find: () => Promise.reject(new Error('not used')) },
};

let http: HttpServer;
let url: string;

beforeAll(async () => {
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
  });
  http = createHttpServer({ app, config, logger: pino({ level: 'debug' }, sink) });
  ({ url } = await http.listen());
});
afterAll(() => http.close());

async function post(query: string, requestId: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { errors?: Array<Record<string, unknown>> };
}

it('tags every log line of a request with its id', async () => {
  await post('{ product(id: "x") { id } }', 'req-one');
  // 'request done' is logged on the server's 'finish' event: one more round trip orders it.
  await fetch(`${url}/healthz`);
  const mine = lines.filter((l) => l.reqId === 'req-one');
  expect(mine.some((l) => l.msg === 'request done' && l.status === 200)).toBe(true);
  expect(mine.some((l) => l.msg === 'graphql operation done')).toBe(true);
});

it('shows unknown failures generically, without a stack, and logs the original', async () => {
  const body = await post('{ similarImages(text: "red") { edges { cursor } } }', 'req-two');
  expect(body.errors).toEqual([
    expect.objectContaining({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    }),
  ]);
  expect(JSON.stringify(body)).not.toContain('secret backend detail');
  const logged = lines.find((l) => l.reqId === 'req-two' && l.level === 50);
  expect(JSON.stringify(logged)).toContain('secret backend detail');
});

it('answers 503 on /readyz when the app is not ready', async () => {
  const response = await fetch(`${url}/readyz`);
  expect(response.status).toBe(503);
  expect(await response.json()).toEqual({ ready: false, checks: { index: 'unreachable' } });
});

it('deleteProduct of an unknown id is NOT_FOUND', async () => {
  const body = await post('mutation { deleteProduct(id: "nope") { id } }', 'req-three');
  expect(body.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', details: { id: 'nope' } });
});
