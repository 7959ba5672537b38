/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/**
 * API keys over real HTTP (AUTH_MODE=keys, as in production), with keys made by the keys CLI
 * against the running server's DATA_DIR: anonymous writes are refused, a search-only key cannot
 * write, a write key can, a revoked key is refused from the next request on, and /metrics is
 * not served on the public port without an admin key.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createKeyWithCli, keysCli } from '../helpers/keys-cli';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';
import { imageFile } from './catalog-fixture';

const STATUS_AWARE = { accept: 'application/graphql-response+json' };
const INDEX = `mutation Index($input: ProductInput!) { indexProduct(input: $input) { id title } }`;
const DELETE = `mutation { deleteProduct(id: "sku-auth") { id deleted } }`;
const READ = `{ product(id: "sku-auth") { id title } }`;

let server: TestServer;
let metricsPort: number;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function indexWith(headers: Record<string, string>) {
  const input = {
    id: 'sku-auth',
    title: 'Red key ring',
    category: 'bags',
    price: 3,
    currency: 'USD',
    images: [null],
  };
  return server.upload(
    INDEX,
    { input },
    { 'variables.input.images.0': await imageFile('red', 'solid') },
    { headers: { ...STATUS_AWARE, ...headers } },
  );
}

function codes(body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) {
  return (body.errors ?? []).map((e) => e.extensions?.code);
}

beforeAll(async () => {
  metricsPort = await freePort();
  server = await startTestServer({ AUTH_MODE: 'keys', METRICS_PORT: String(metricsPort) });
});
afterAll(() => server?.stop());

it('refuses an anonymous write with 401 UNAUTHENTICATED and changes nothing', async () => {
  const response = await indexWith({});
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(codes(response.body)).toEqual(['UNAUTHENTICATED']);
  expect(response.body.errors?.[0]?.extensions?.details).toMatchObject({ reason: 'MISSING_KEY' });
  expect((await server.graphql(READ)).body.data).toEqual({ product: null });
});

it('keeps search open to anonymous callers by default', async () => {
  const response = await server.graphql(READ, {}, STATUS_AWARE);
  expect(response.status).toBe(200);
  expect(response.body.errors).toBeUndefined();
});

it('refuses a write with 403 FORBIDDEN for a key with only the search scope', async () => {
  const { key } = await createKeyWithCli(server.dataDir, 'storefront', 'search');
  const response = await indexWith({ authorization: `Bearer ${key}` });
  expect(response.status).toBe(403);
  expect(codes(response.body)).toEqual(['FORBIDDEN']);
  expect(response.body.errors?.[0]?.extensions?.details).toMatchObject({
    requiredScope: 'catalog:write',
  });
  expect((await server.graphql(READ, {}, { authorization: `Bearer ${key}` })).status).toBe(200);
});

it('lets a catalog:write key write (Bearer or X-Api-Key), and refuses it once revoked', async () => {
  const { key, id } = await createKeyWithCli(server.dataDir, 'catalog team', 'catalog:write');
  const indexed = await indexWith({ authorization: `Bearer ${key}` });
  expect(indexed.status).toBe(200);
  expect(indexed.body.data).toEqual({ indexProduct: { id: 'sku-auth', title: 'Red key ring' } });
  expect((await server.graphql(READ)).body.data).toEqual({
    product: { id: 'sku-auth', title: 'Red key ring' },
  });

  await keysCli(server.dataDir, ['revoke', id]);
  const refused = await server.graphql(DELETE, {}, { ...STATUS_AWARE, 'x-api-key': key });
  expect(refused.status).toBe(401);
  expect(refused.body.errors?.[0]?.extensions).toMatchObject({
    code: 'UNAUTHENTICATED',
    details: { reason: 'REVOKED_KEY' },
  });
  expect((await server.graphql(READ)).body.data).toEqual({
    product: { id: 'sku-auth', title: 'Red key ring' },
  });

  const admin = await createKeyWithCli(server.dataDir, 'ops', 'admin');
  const deleted = await server.graphql(DELETE, {}, { 'x-api-key': admin.key });
  expect(deleted.body.data).toEqual({ deleteProduct: { id: 'sku-auth', deleted: true } });
});

it('refuses a malformed or unknown key even for a search, instead of treating it as anonymous', async () => {
  const malformed = await server.graphql(READ, {}, { ...STATUS_AWARE, authorization: 'Basic x' });
  // product is nullable: the refused field is null and the response a partial 200.
  expect(malformed.body.data).toEqual({ product: null });
  expect(malformed.body.errors?.[0]?.extensions).toMatchObject({
    code: 'UNAUTHENTICATED',
    details: { reason: 'MALFORMED_KEY' },
  });
  const unknown = `pis_${'A'.repeat(43)}`;
  const response = await server.graphql(READ, {}, { authorization: `Bearer ${unknown}` });
  expect(codes(response.body)).toEqual(['UNAUTHENTICATED']);
});

it('serves /metrics on the public port only to an admin key, and on the metrics listener', async () => {
  const anonymous = await fetch(`${server.url}/metrics`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(((await anonymous.json()) as { errors: unknown[] }).errors).toHaveLength(1);
  const writer = await createKeyWithCli(server.dataDir, 'writer', 'catalog:write');
  const forbidden = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${writer.key}` },
  });
  expect(forbidden.status).toBe(403);
  expect(forbidden.headers.get('www-authenticate')).toBeNull();
  const admin = await createKeyWithCli(server.dataDir, 'prometheus', 'admin');
  const allowed = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${admin.key}` },
  });
  expect(allowed.status).toBe(200);
  expect(await allowed.text()).toContain('product_search_graphql_requests_total');

  expect(server.metricsUrl).toBe(`http://127.0.0.1:${metricsPort}`);
  const scraped = await fetch(`${server.metricsUrl}/metrics`);
  expect(scraped.status).toBe(200);
  expect(await scraped.text()).toContain('product_search_graphql_requests_total');
  expect((await fetch(`${server.metricsUrl}/graphql`)).status).toBe(404);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
});

it('lists keys without their secrets', async () => {
  const listed = await keysCli(server.dataDir, ['list']);
  expect(listed).toMatch(/key_[0-9a-f]{16} {2}catalog team {2}\[catalog:write\].*revoked/);
  expect(listed).not.toMatch(/pis_/);
});
