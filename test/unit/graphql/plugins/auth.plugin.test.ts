import pino from 'pino';
import { createApolloServer } from '../../../../src/graphql/apollo-server';
import type { GraphqlServices } from '../../../../src/graphql/context';
import { createGraphqlContext } from '../../../../src/graphql/context';
import type { AccessPolicy, Principal } from '../../../../src/services/access/access.service';
import type { Scope } from '../../../../src/services/access/scopes';
import { accessFor } from '../../../fakes/in-memory-api-key-store';
import { makeProduct } from '../../../helpers/product-fixtures';

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
      updateProduct: async (id) => {
        calls.push('updateProduct');
        return makeProduct({ id, vectors: [] });
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
    feedback: {
      record: async (events) => {
        calls.push('recordInteractions');
        return { recorded: events.length };
      },
    },
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
    limits: { maxUploadBytes: 100, maxSimilar: 10 },
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

it('Product.similar is a search wherever the product comes from, a mutation result too', async () => {
  const { calls, services } = recordingServices({ mode: 'keys', search: 'key' });
  const writer: Principal = { kind: 'key', keyId: 'key_1', name: 'w', scopes: ['catalog:write'] };
  const query = `mutation { updateProduct(id: "p1", patch: { title: "t" }) {
    id similar { pageInfo { hasNextPage } } } }`;
  const result = await run(query, services, writer);
  expect(codes(result)).toEqual([['FORBIDDEN', ['updateProduct', 'similar']]]);
  // The write itself went through: only the search under it is refused.
  expect(result.data).toEqual({ updateProduct: { id: 'p1', similar: null } });
  expect(calls).toEqual(['updateProduct']);
  const both: Principal = { ...writer, scopes: ['catalog:write', 'search'] };
  const allowed = await run(
    query,
    recordingServices({ mode: 'keys', search: 'key' }).services,
    both,
  );
  expect(allowed.errors).toBeUndefined();
});

describe('recordInteractions needs interactions:write, not catalog:write', () => {
  const RECORD =
    'mutation { recordInteractions(events: [{ type: CLICK, productId: "p" }]) { recorded } }';
  const key = (scopes: Scope[]): Principal => ({ kind: 'key', keyId: 'key_1', name: 'k', scopes });

  it.each([
    [['interactions:write'], undefined],
    [['admin'], undefined],
    [['catalog:write'], 'FORBIDDEN'],
    [['search'], 'FORBIDDEN'],
  ] as Array<[Scope[], string | undefined]>)('a key with %j: %s', async (scopes, code) => {
    const { calls, services } = recordingServices({ mode: 'keys', search: 'open' });
    const result = await run(RECORD, services, key(scopes));
    if (code === undefined) {
      expect(result.errors).toBeUndefined();
      expect(calls).toEqual(['recordInteractions']);
    } else {
      expect(codes(result)).toEqual([[code, ['recordInteractions']]]);
      expect(calls).toEqual([]);
    }
  });

  it('an interactions:write key writes nothing else (deleteProduct stays catalog:write)', async () => {
    const { calls, services } = recordingServices({ mode: 'keys', search: 'open' });
    const result = await run(
      'mutation { deleteProduct(id: "1") { id } }',
      services,
      key(['interactions:write']),
    );
    expect(codes(result)).toEqual([['FORBIDDEN', ['deleteProduct']]]);
    expect(calls).toEqual([]);
  });

  it('is refused to an anonymous caller', async () => {
    const { calls, services } = recordingServices({ mode: 'keys', search: 'open' });
    const result = await run(RECORD, services, { kind: 'anonymous' });
    expect(codes(result)).toEqual([['UNAUTHENTICATED', ['recordInteractions']]]);
    expect(calls).toEqual([]);
  });
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
