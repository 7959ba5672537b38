import pino from 'pino';
import { createApolloServer } from '../../../../src/graphql/apollo-server';
import type { GraphqlServices } from '../../../../src/graphql/context';
import { createGraphqlContext } from '../../../../src/graphql/context';
import type { AccessPolicy, Principal } from '../../../../src/services/access/access.service';
import { accessFor } from '../../../fakes/in-memory-api-key-store';

/** Counts service calls: a refused field must never reach its service. */
function recordingServices(policy: AccessPolicy) {
  const calls: string[] = [];
  const services: GraphqlServices = {
    search: {
      search: async () => {
        calls.push('search');
        return { edges: [], hasNextPage: false, hasPreviousPage: false, endCursor: null };
      },
    },
    indexing: {
      getProducts: async (ids) => {
        calls.push('getProducts');
        return ids.map(() => null);
      },
      indexProduct: async () => {
        throw new Error('not used');
      },
      indexProducts: async () => {
        throw new Error('not used');
      },
      updateProduct: async () => {
        throw new Error('not used');
      },
      addProductPhotos: async () => {
        throw new Error('not used');
      },
      removeProductPhotos: async () => {
        throw new Error('not used');
      },
      deleteProduct: async () => {
        calls.push('deleteProduct');
        return true;
      },
    },
    access: accessFor(policy),
    nearDuplicates: {
      find: async () => {
        calls.push('nearDuplicates');
        return { groups: [], hasNextPage: false, hasPreviousPage: false, endCursor: null };
      },
    },
  };
  return { calls, services };
}

const server = createApolloServer({ nodeEnv: 'test', logger: pino({ level: 'silent' }) });
beforeAll(() => server.start());
afterAll(() => server.stop());

async function run(query: string, services: GraphqlServices, principal: Principal) {
  const contextValue = createGraphqlContext({
    requestId: 't',
    logger: pino({ level: 'silent' }),
    services,
    limits: { maxUploadBytes: 100 },
    principal,
  });
  const response = await server.executeOperation({ query }, { contextValue });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult;
}

const codes = (result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
  (result.errors ?? []).map((e) => [e.extensions?.code, (e as { path?: unknown }).path]);

it('refuses every mutation field of an anonymous caller before its resolver runs', async () => {
  const { calls, services } = recordingServices({ mode: 'keys', search: 'open' });
  const result = await run('mutation { a: deleteProduct(id: "1") { id } }', services, {
    kind: 'anonymous',
  });
  expect(codes(result)).toEqual([['UNAUTHENTICATED', ['a']]]);
  expect(calls).toEqual([]);
});

it('checks each root field alone: a refused field is null, its open siblings answer', async () => {
  const { calls, services } = recordingServices({ mode: 'keys', search: 'key' });
  const principal: Principal = {
    kind: 'key',
    keyId: 'key_1',
    name: 'w',
    scopes: ['catalog:write'],
  };
  const result = await run('{ __typename product(id: "x") { id } }', services, principal);
  expect(result.data).toEqual({ __typename: 'Query', product: null });
  expect(codes(result)).toEqual([['FORBIDDEN', ['product']]]);
  expect(calls).toEqual([]);
});

it('lets everything through with AUTH_MODE=off', async () => {
  const { calls, services } = recordingServices({ mode: 'off', search: 'open' });
  const result = await run('mutation { deleteProduct(id: "1") { id deleted } }', services, {
    kind: 'anonymous',
  });
  expect(result.errors).toBeUndefined();
  expect(calls).toEqual(['deleteProduct']);
});

it('asks catalog:write for nearDuplicateProducts, a Query field (per-field override)', async () => {
  const { calls, services } = recordingServices({ mode: 'keys', search: 'open' });
  const query = '{ nearDuplicateProducts { edges { cursor } } }';
  const searcher: Principal = { kind: 'key', keyId: 'key_s', name: 's', scopes: ['search'] };
  expect(codes(await run(query, services, searcher))).toEqual([
    ['FORBIDDEN', ['nearDuplicateProducts']],
  ]);
  expect(codes(await run(query, services, { kind: 'anonymous' }))).toEqual([
    ['UNAUTHENTICATED', ['nearDuplicateProducts']],
  ]);
  expect(calls).toEqual([]);
  const writer: Principal = { kind: 'key', keyId: 'key_w', name: 'w', scopes: ['catalog:write'] };
  const allowed = await run(query, services, writer);
  expect(allowed.errors).toBeUndefined();
  expect(calls).toEqual(['nearDuplicates']);
});
