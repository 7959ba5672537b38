/**
 * Rate limiting over real HTTP: per client address for anonymous requests (the whole service),
 * per API key when an authentication middleware has named a principal (a small express app
 * with the real middleware and error handler), 429 RATE_LIMITED with Retry-After.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { jsonErrorHandler } from '../../src/http/middleware/error-handler';
import { rateLimit } from '../../src/http/middleware/rate-limit';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';

const QUERY = '{ __typename }';

describe('anonymous clients, per address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_ANONYMOUS: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
  });
  afterAll(() => server.stop());

  it('serves the limit, then answers 429 with Retry-After and a coded error', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await server.graphql(QUERY);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const refused = await server.graphql(
      QUERY,
      {},
      { accept: 'application/graphql-response+json' },
    );
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      details: { scope: 'address', limit: 3, windowSeconds: 60, retryAfterSeconds: retryAfter },
    });
    // Plain JSON clients get the same status: nothing was executed.
    expect((await server.graphql(QUERY)).status).toBe(429);
  });

  it('leaves the GraphiQL page and health checks alone', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const page = await fetch(server.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
  });
});

describe('API keys, per principal', () => {
  let origin: string;
  let httpServer: http.Server;
  beforeAll(async () => {
    const app = express();
    // Stands in for the authentication middleware: `x-test-key` names the principal.
    app.use((req, res, next) => {
      const keyId = req.get('x-test-key');
      if (keyId !== undefined) res.locals.principal = { kind: 'key', keyId };
      next();
    });
    const limited = rateLimit({ windowSeconds: 60, anonymous: 1, perKey: 2 });
    if (limited === undefined) throw new Error('expected a middleware');
    app.use(limited);
    app.post('/graphql', (_req, res) => {
      res.json({ data: { ok: true } });
    });
    app.use(jsonErrorHandler({ includeStack: false }));
    httpServer = http.createServer(app);
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => httpServer.close(() => resolve())));

  const post = (headers: Record<string, string> = {}) =>
    fetch(`${origin}/graphql`, { method: 'POST', headers });

  it('counts each key on its own, apart from anonymous clients at the same address', async () => {
    expect((await post({ 'x-test-key': 'k1' })).status).toBe(200);
    expect((await post({ 'x-test-key': 'k1' })).status).toBe(200);
    const refused = await post({ 'x-test-key': 'k1' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await refused.json()) as { errors: Array<{ extensions: unknown }> };
    expect(body.errors[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      details: { scope: 'key', limit: 2 },
    });
    expect((await post({ 'x-test-key': 'k2' })).status).toBe(200);
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(429);
  });

  it('is not mounted when both limits are off', () => {
    expect(rateLimit({ windowSeconds: 60, anonymous: 0, perKey: 0 })).toBeUndefined();
  });
});
