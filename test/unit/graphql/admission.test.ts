/**
 * Fair admission over the real Apollo server and schema, with services that hold a flood's
 * searches until the test lets them go: the whole need of an operation is admitted at once or
 * refused at once (OVERLOADED, 503 + Retry-After, nothing run), a shopper's search still fits
 * beside an admitted flood, and an admitted flood keeps every result.
 */
import type { ApolloServer } from '@apollo/server';
import pino from 'pino';
import { loadConfig } from '../../../src/config/load-config';
import { createApolloServer } from '../../../src/graphql/apollo-server';
import type { GraphqlContext, GraphqlServices } from '../../../src/graphql/context';
import { createGraphqlContext } from '../../../src/graphql/context';
import type { Principal } from '../../../src/services/access/access.service';
import type { SearchPage, SearchRequest } from '../../../src/services/search/search.service';
import { accessFor } from '../../fakes/in-memory-api-key-store';

const unused = async (): Promise<never> => {
  throw new Error('not used');
};

const logger = pino({ level: 'silent' });
const EMPTY: SearchPage = {
  edges: [],
  hasNextPage: false,
  hasPreviousPage: false,
  endCursor: null,
};

/** Searches whose text starts with "hold" wait until `letGo()`; others answer at once. */
class HoldingServices implements GraphqlServices {
  readonly searched: string[] = [];
  private held: Array<() => void> = [];

  readonly search = {
    search: async (request: SearchRequest): Promise<SearchPage> => {
      this.searched.push(request.text ?? '');
      if (request.text?.startsWith('hold') === true) {
        await new Promise<void>((resolve) => this.held.push(resolve));
      }
      return EMPTY;
    },
  };

  readonly indexing = {
    getProducts: async (ids: readonly string[]) => ids.map(() => null),
    indexProduct: unused,
    indexProducts: unused,
    updateProduct: unused,
    addProductPhotos: unused,
    removeProductPhotos: unused,
    deleteProduct: async () => false,
  };

  constructor(readonly access: GraphqlServices['access'] = accessFor()) {}

  readonly feedback = { record: unused };
  readonly nearDuplicates = {
    find: () => Promise.reject(new Error('not used by these tests')),
  };

  get holding(): number {
    return this.held.length;
  }

  letGo(): void {
    for (const wake of this.held.splice(0)) wake();
  }
}

function flood(prefix: string, count: number): string {
  const parts = Array.from(
    { length: count },
    (_, i) => `${prefix}${i}: similarImages(text: "${prefix}${i}") { pageInfo { hasNextPage } }`,
  );
  return `{ ${parts.join(' ')} }`;
}

let server: ApolloServer<GraphqlContext>;
let services: HoldingServices;

beforeAll(async () => {
  const config = loadConfig({
    NODE_ENV: 'test',
    GRAPHQL_MAX_ALIASES: '1000',
    GRAPHQL_MAX_TOKENS: '100000',
    GRAPHQL_MAX_COST: '100000000',
    GRAPHQL_MAX_EMBEDDINGS: '200',
    EMBED_MAX_QUEUE: '256',
  });
  server = createApolloServer({ nodeEnv: 'test', logger, limits: config.graphql });
  await server.start();
});
afterAll(() => server.stop());
beforeEach(() => {
  services = new HoldingServices();
});

function run(
  query: string,
  principal: Principal = { kind: 'anonymous' },
  variables?: Record<string, unknown>,
) {
  const contextValue = createGraphqlContext({
    requestId: 'test',
    logger,
    services,
    limits: { maxUploadBytes: 100, maxSimilar: 10 },
    principal,
  });
  return server.executeOperation({ query, variables }, { contextValue });
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

function single(response: Awaited<ReturnType<typeof run>>) {
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult;
}

it('admits a flood whole, serves a shopper beside it, and sheds a second flood before it runs', async () => {
  const first = run(flood('hold', 200));
  await until(() => services.holding === 200);

  const shopper = single(await run('{ similarImages(text: "red") { pageInfo { hasNextPage } } }'));
  expect(shopper.errors).toBeUndefined();

  const second = await run(flood('late', 200));
  expect(second.http.status).toBe(503);
  expect(second.http.headers.get('retry-after')).toBe('1');
  expect(single(second).errors?.[0]?.extensions).toMatchObject({
    code: 'OVERLOADED',
    details: { reason: 'ADMISSION', texts: 200, images: 0 },
  });
  expect(services.searched.filter((text) => text.startsWith('late'))).toEqual([]);

  services.letGo();
  const result = single(await first);
  expect(result.errors).toBeUndefined();
  expect(Object.keys(result.data ?? {})).toHaveLength(200);

  // The flood's slots came back with its response.
  const again = single(await run(flood('after', 200)));
  expect(again.errors).toBeUndefined();
});

it('refuses an operation over the budget whole, with nothing run', async () => {
  const response = await run(flood('big', 201));
  expect(response.http.status).toBe(400);
  expect(single(response).errors?.[0]?.extensions).toMatchObject({
    code: 'QUERY_LIMIT_EXCEEDED',
    details: { limit: 'embeddings', max: 200, found: 201 },
  });
  expect(services.searched).toEqual([]);
});

it('reserves nothing for an operation the caller may not run: it hears its own code, not OVERLOADED', async () => {
  services = new HoldingServices(accessFor({ mode: 'keys', search: 'key' }));
  const searcher: Principal = { kind: 'key', keyId: 'key_s', name: 's', scopes: ['search'] };
  const first = run(flood('hold', 200), searcher);
  await until(() => services.holding === 200);

  // No key: every field would be refused, so the full queue does not matter, nor the budget.
  for (const query of [flood('anon', 200), flood('big', 201)]) {
    const anonymous = single(await run(query));
    const codes = new Set(anonymous.errors?.map((error) => error.extensions?.['code']));
    expect([...codes]).toEqual(['UNAUTHENTICATED']);
  }
  // A key that may search still waits its turn.
  const keyed = await run(flood('late', 200), searcher);
  expect(single(keyed).errors?.[0]?.extensions).toMatchObject({ code: 'OVERLOADED' });
  expect(services.searched.filter((text) => !text.startsWith('hold'))).toEqual([]);

  services.letGo();
  expect(single(await first).errors).toBeUndefined();
});

it('never refuses an operation whose variables do not coerce: a JSON string for an Upload hears BAD_USER_INPUT under load', async () => {
  // Two held floods fill the 256 text slots.
  const held = [run(flood('holdA', 128)), run(flood('holdB', 128))];
  await until(() => services.holding === 256);

  // One photo and one text: it does not fit, but its $image is not an upload.
  const search =
    'query($image: Upload, $text: String) { a: similarImages(image: $image) { pageInfo { hasNextPage } } b: similarImages(text: $text) { pageInfo { hasNextPage } } }';
  const misuse = single(await run(search, undefined, { image: 'x', text: 'red' }));
  expect(misuse.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
  expect(misuse.errors?.[0]?.message).toContain('$image');
  // The same operation with variables that coerce is shed.
  const shed = single(await run(search, undefined, { image: null, text: 'red' }));
  expect(shed.errors?.[0]?.extensions).toMatchObject({ code: 'OVERLOADED' });

  services.letGo();
  for (const response of held) expect(single(await response).errors).toBeUndefined();
});
