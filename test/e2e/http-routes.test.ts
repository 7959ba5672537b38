/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The HTTP surface around GraphQL: health, readiness, request ids, GraphiQL and its assets. */
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

it('GET /healthz answers while the process is up', async () => {
  const response = await fetch(`${server.url}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
});

it('GET /readyz reports the app ready with its checks', async () => {
  const response = await fetch(`${server.url}/readyz`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { ready: boolean; checks: Record<string, string> };
  expect(body.ready).toBe(true);
  expect(Object.keys(body.checks).length).toBeGreaterThan(0);
});

it('GET /metrics serves Prometheus text that counts GraphQL operations by name and outcome', async () => {
  await server.graphql('query MetricsProbe { __typename }', {});
  await server.graphql('query MetricsBad { similarImages { edges { cursor } } }', {});
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await response.text();
  expect(text).toMatch(
    /product_search_graphql_requests_total\{[^}]*operation="MetricsProbe"[^}]*outcome="success"[^}]*\} 1/,
  );
  expect(text).toMatch(
    /product_search_graphql_requests_total\{[^}]*operation="MetricsBad"[^}]*outcome="BAD_USER_INPUT"[^}]*\} 1/,
  );
  expect(text).toContain('product_search_index_request_duration_seconds');
});

it('echoes a caller x-request-id and makes one up otherwise', async () => {
  const given = await server.graphql('{ __typename }', {}, { 'x-request-id': 'abc-123' });
  expect(given.headers.get('x-request-id')).toBe('abc-123');
  const made = await server.graphql('{ __typename }');
  expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const unsafe = await server.graphql('{ __typename }', {}, { 'x-request-id': 'a b<script>' });
  expect(unsafe.headers.get('x-request-id')).not.toBe('a b<script>');
});

it('answers GraphQL over GET with the preflight header, and introspection is on', async () => {
  const query = encodeURIComponent('{ __schema { queryType { name } } }');
  const response = await fetch(`${server.graphqlUrl}?query=${query}`, {
    headers: { 'apollo-require-preflight': 'true' },
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
});

it('serves our GraphiQL page to a browser, with local assets and a CSP', async () => {
  const response = await fetch(server.graphqlUrl, { headers: { accept: 'text/html,*/*;q=0.8' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/text\/html/);
  expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  const html = await response.text();
  expect(html).toContain('Attach a photo as');
  expect(html).toContain(`data-endpoint="${server.config.http.graphqlPath}"`);
  expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"'\s]+\.(js|css)/);
  const assets = [...html.matchAll(/(?:src|href)="(\/graphiql-assets\/[^"]+)"/g)].map((m) => m[1]);
  expect(assets).toHaveLength(6);
  for (const asset of assets) {
    const file = await fetch(`${server.url}${asset}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/javascript|css/);
    expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(100);
  }
});

it('does not serve other files from the asset path', async () => {
  for (const name of ['package.json', '..%2Fpackage.json', 'graphiql.js']) {
    const response = await fetch(`${server.url}/graphiql-assets/${name}`);
    expect(response.status).toBe(404);
  }
});

it('a JSON client asking GET without a query still gets JSON, not the page', async () => {
  const response = await fetch(server.graphqlUrl, {
    headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
  });
  expect(response.headers.get('content-type')).toMatch(/json/);
  expect(response.status).toBe(400);
});

it('unknown routes answer a JSON 404', async () => {
  const response = await fetch(`${server.url}/nope`);
  expect(response.status).toBe(404);
  expect(((await response.json()) as { errors: unknown[] }).errors).toHaveLength(1);
});
