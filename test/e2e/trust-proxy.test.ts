/**
 * TRUST_PROXY over real HTTP (fake services, no model): who the client is for the anonymous rate
 * limit and the request log. X-Forwarded-For counts only when the socket's peer is a trusted
 * proxy; from anyone else it is ignored, so a client cannot escape its limit by naming itself.
 * Every request here comes from 127.0.0.1, which plays the proxy when it is trusted.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config';
import type { HttpApp, HttpServer } from '../../src/http/http-server';
import { createHttpServer } from '../../src/http/http-server';
import { createMetrics } from '../../src/observability/metrics';
import { accessFor } from '../fakes/in-memory-api-key-store';

const unused = () => Promise.reject(new Error('not used'));
const app: HttpApp = {
  search: { search: unused },
  indexing: {
    getProducts: (ids) => Promise.resolve(ids.map(() => null)),
    indexProduct: unused,
    deleteProduct: () => Promise.resolve(false),
    indexProducts: unused,
    updateProduct: unused,
    addProductPhotos: unused,
    removeProductPhotos: unused,
  },
  feedback: { record: unused },
  nearDuplicates: { find: unused },
  readiness: () => Promise.resolve({ ready: true, checks: {} }),
  metrics: createMetrics({ defaultMetrics: false }),
  access: accessFor(),
};

interface Started {
  readonly url: string;
  readonly logged: Array<Record<string, unknown>>;
  readonly http: HttpServer;
}

const servers: HttpServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

/** A server allowing 2 anonymous requests a minute per client, its log lines collected. */
async function start(trustProxy: string | undefined): Promise<Started> {
  const logged: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        logged.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    RATE_LIMIT_ANONYMOUS: '2',
    TRUST_PROXY: trustProxy,
  });
  const http = createHttpServer({ app, config, logger: pino({ level: 'info' }, sink) });
  servers.push(http);
  const { url } = await http.listen();
  return { url, logged, http };
}

/** Status of `{ __typename }` sent with this X-Forwarded-For (none when undefined). */
async function statusAs(server: Started, forwardedFor?: string, requestId?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
  if (requestId !== undefined) headers['x-request-id'] = requestId;
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The address the request log gave the request with this id. */
async function loggedAddress(server: Started, requestId: string): Promise<unknown> {
  // 'request done' is written on the server's 'finish' event: one more round trip orders it.
  await fetch(`${server.url}/healthz`);
  const line = server.logged.find((l) => l.reqId === requestId && l.msg === 'request done');
  return line?.remoteAddress;
}

describe('TRUST_PROXY unset (the default)', () => {
  it('ignores X-Forwarded-For: every spoofed address shares the peer’s limit', async () => {
    const server = await start(undefined);
    expect(await statusAs(server, '203.0.113.1', 'off-1')).toBe(200);
    expect(await statusAs(server, '203.0.113.2')).toBe(200);
    expect(await statusAs(server, '203.0.113.3')).toBe(429);
    expect(await statusAs(server)).toBe(429);
    expect(await loggedAddress(server, 'off-1')).toBe('127.0.0.1');
  });
});

describe('TRUST_PROXY=loopback (the proxy is on this host)', () => {
  it('limits and logs each forwarded client on its own', async () => {
    const server = await start('loopback');
    expect(await statusAs(server, '203.0.113.1', 'lo-1')).toBe(200);
    expect(await statusAs(server, '203.0.113.1')).toBe(200);
    expect(await statusAs(server, '203.0.113.1')).toBe(429);
    expect(await statusAs(server, '203.0.113.2', 'lo-2')).toBe(200);
    expect(await loggedAddress(server, 'lo-1')).toBe('203.0.113.1');
    expect(await loggedAddress(server, 'lo-2')).toBe('203.0.113.2');
  });

  it('takes the address the trusted proxy saw, not one the client prepended', async () => {
    const server = await start('loopback');
    expect(await statusAs(server, '198.51.100.1, 203.0.113.9')).toBe(200);
    expect(await statusAs(server, '198.51.100.2, 203.0.113.9')).toBe(200);
    expect(await statusAs(server, '198.51.100.3, 203.0.113.9', 'lo-3')).toBe(429);
    expect(await loggedAddress(server, 'lo-3')).toBe('203.0.113.9');
  });
});

describe('TRUST_PROXY naming other proxies', () => {
  it('ignores X-Forwarded-For from a peer that is not one of them', async () => {
    const server = await start('10.0.0.0/8, 192.0.2.7');
    expect(await statusAs(server, '203.0.113.1', 'ext-1')).toBe(200);
    expect(await statusAs(server, '203.0.113.2')).toBe(200);
    expect(await statusAs(server, '203.0.113.3')).toBe(429);
    expect(await loggedAddress(server, 'ext-1')).toBe('127.0.0.1');
  });
});

describe('TRUST_PROXY as a hop count', () => {
  it('takes the address that many hops from the right', async () => {
    const server = await start('2');
    // Two proxies: the peer (127.0.0.1) and 10.1.1.x before it; what they were sent is not theirs.
    expect(await statusAs(server, '6.6.6.6, 203.0.113.5, 10.1.1.1', 'hop-1')).toBe(200);
    expect(await loggedAddress(server, 'hop-1')).toBe('203.0.113.5');
    expect(await statusAs(server, '7.7.7.7, 203.0.113.5, 10.1.1.2')).toBe(200);
    expect(await statusAs(server, '8.8.8.8, 203.0.113.5, 10.1.1.3')).toBe(429);
  });
});
