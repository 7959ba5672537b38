/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/**
 * API keys with the Elasticsearch backend: the key store still lives in DATA_DIR (its own
 * SQLite file), so keys made by the CLI guard writes to Elasticsearch just the same.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  deleteIndicesWithPrefix,
  describeElasticsearch,
  esRequest,
  requireElasticsearch,
  testIndexPrefix,
} from '../helpers/elasticsearch';
import { createKeyWithCli } from '../helpers/keys-cli';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';
import { imageFile } from './catalog-fixture';

const INDEX = `mutation Index($input: ProductInput!) { indexProduct(input: $input) { id } }`;
const prefix = testIndexPrefix();

describeElasticsearch('API keys on the Elasticsearch backend', () => {
  let server: TestServer;
  beforeAll(async () => {
    const url = await requireElasticsearch();
    server = await startTestServer({ ES_URL: url, ES_INDEX_PREFIX: prefix, AUTH_MODE: 'keys' });
  });
  afterAll(async () => {
    await server?.stop();
    await deleteIndicesWithPrefix(prefix);
  });

  async function index(headers: Record<string, string>) {
    const input = { id: 'sku-es-auth', title: 'Blue mug', category: 'home', price: 5 };
    return server.upload(
      INDEX,
      { input: { currency: 'USD', ...input, images: [null] } },
      { 'variables.input.images.0': await imageFile('blue', 'solid') },
      { headers },
    );
  }

  it('refuses an anonymous write and accepts a catalog:write key from the CLI', async () => {
    expect(existsSync(path.join(server.dataDir, 'api-keys.sqlite'))).toBe(true);
    const anonymous = await index({});
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const { key } = await createKeyWithCli(server.dataDir, 'es writer', 'catalog:write');
    const written = await index({ authorization: `Bearer ${key}` });
    expect(written.body.data).toEqual({ indexProduct: { id: 'sku-es-auth' } });
    await esRequest('POST', `/${prefix}-*/_refresh`);
    const { body } = (await esRequest('GET', `/${prefix}-*/_count`)) as {
      body: { count: number };
    };
    expect(body.count).toBe(1);
  });
});
