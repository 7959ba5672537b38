/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The feedback loop over real HTTP on the SQLite backend (the default), and its scope. */
import { createKeyWithCli } from '../helpers/keys-cli';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';
import { describeFeedbackScenarios, MAX_BATCH, RECORD } from './feedback-scenarios';

describe('feedback loop on the SQLite backend', () => {
  describeFeedbackScenarios(() => startTestServer({ INTERACTION_MAX_BATCH: String(MAX_BATCH) }));
});

describe('recordInteractions with AUTH_MODE=keys', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_MODE: 'keys' });
  });
  afterAll(() => server?.stop());

  const events = [{ type: 'CLICK', productId: 'sku-none' }];
  const codes = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
    (body.errors ?? []).map((e) => e.extensions?.code);

  it('needs interactions:write (or admin): a catalog key is refused, a storefront key passes', async () => {
    const catalogKey = await createKeyWithCli(server.dataDir, 'catalog', 'catalog:write');
    const storefront = await createKeyWithCli(server.dataDir, 'storefront', 'interactions:write');
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    expect(codes((await server.graphql(RECORD, { events })).body)).toEqual(['UNAUTHENTICATED']);
    expect(codes((await server.graphql(RECORD, { events }, bearer(catalogKey.key))).body)).toEqual([
      'FORBIDDEN',
    ]);
    // Past the scope check: the unknown product is what the storefront key is told about.
    expect(codes((await server.graphql(RECORD, { events }, bearer(storefront.key))).body)).toEqual([
      'NOT_FOUND',
    ]);
    const remove = 'mutation { deleteProduct(id: "sku-none") { id } }';
    expect(codes((await server.graphql(remove, {}, bearer(storefront.key))).body)).toEqual([
      'FORBIDDEN',
    ]);
  });
});
