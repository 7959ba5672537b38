/**
 * Query limits over real HTTP (toy model, SQLite): alias, depth, token, cost and directive bombs
 * and over-budget operations are refused with QUERY_LIMIT_EXCEEDED (400) before anything runs,
 * while a shopper's search sent alongside still succeeds; introspection follows
 * GRAPHQL_INTROSPECTION; GraphiQL's own introspection query passes the default limits.
 */
import { getIntrospectionQuery } from 'graphql';
import { solidImage } from '../helpers/images';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';

const SEARCH = '{ similarImages(text: "red", first: 3) { edges { node { score } } } }';

/** `count` aliased searches, each about 13 tokens. */
function aliases(count: number): string {
  const parts = Array.from(
    { length: count },
    (_, i) => `a${i}: similarImages(text: "t${i}") { pageInfo { hasNextPage } }`,
  );
  return `{ ${parts.join(' ')} }`;
}

describe('with the default limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  async function expectLimit(query: string, limit: string, variables = {}) {
    const response = await server.graphql(query, variables);
    expect(response.status).toBe(400);
    const error = response.body.errors?.[0];
    expect(error?.extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
    expect(error?.extensions?.details).toMatchObject({ limit });
    expect(response.body.data).toBeUndefined();
    return error?.extensions?.details as Record<string, number>;
  }

  it('refuses an alias bomb, naming the limit and the count, while a shopper is served', async () => {
    const [bomb, shopper] = await Promise.all([
      expectLimit(aliases(100), 'aliases'),
      server.graphql(SEARCH),
    ]);
    expect(bomb).toEqual({ limit: 'aliases', max: 15, found: 100 });
    expect(shopper.status).toBe(200);
    expect(shopper.body.errors).toBeUndefined();
  });

  it('refuses a token bomb in the parser', async () => {
    const details = await expectLimit(aliases(8000), 'tokens');
    expect(details).toEqual({ limit: 'tokens', max: 2000 });
  });

  it('refuses a directive bomb', async () => {
    const directives = Array.from({ length: 60 }, () => '@include(if: true)').join(' ');
    const details = await expectLimit(`{ __typename ${directives} }`, 'directives');
    expect(details).toMatchObject({ max: 50, found: 60 });
  });

  it('refuses an operation over its embedding budget before reading any photo', async () => {
    const query = `query { ${Array.from({ length: 13 }, (_, i) => `a${i}: similarImages(text: "x${i}") { pageInfo { hasNextPage } } b${i}: similarImages(text: "y${i}") { pageInfo { hasNextPage } }`).join(' ')} }`;
    const server2 = await startTestServer({
      GRAPHQL_MAX_ALIASES: '100',
      GRAPHQL_MAX_EMBEDDINGS: '20',
    });
    try {
      const response = await server2.graphql(query);
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]?.extensions).toMatchObject({
        code: 'QUERY_LIMIT_EXCEEDED',
        details: { limit: 'embeddings', max: 20, found: 26, texts: 26, images: 0 },
      });
    } finally {
      await server2.stop();
    }
  });

  it("lets GraphiQL's introspection query through (introspection is on outside production)", async () => {
    const response = await server.graphql(getIntrospectionQuery());
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  });

  it('counts the photos of a product against the budget from the variables', async () => {
    const server2 = await startTestServer({ GRAPHQL_MAX_EMBEDDINGS: '2' });
    try {
      const photo = await solidImage('red');
      const response = await server2.upload(
        'mutation($input: ProductInput!) { indexProduct(input: $input) { id } }',
        {
          input: {
            ...{ id: 'p1', title: 'Red', category: 'c', price: 1, currency: 'USD' },
            images: [null, null, null],
          },
        },
        {
          'variables.input.images.0': { bytes: photo, filename: 'a.png', contentType: 'image/png' },
          'variables.input.images.1': { bytes: photo, filename: 'b.png', contentType: 'image/png' },
          'variables.input.images.2': { bytes: photo, filename: 'c.png', contentType: 'image/png' },
        },
      );
      expect(response.body.errors?.[0]?.extensions).toMatchObject({
        code: 'QUERY_LIMIT_EXCEEDED',
        details: { limit: 'embeddings', max: 2, found: 3, images: 3 },
      });
      expect((await server2.graphql('{ product(id: "p1") { id } }')).body.data).toEqual({
        product: null,
      });
    } finally {
      await server2.stop();
    }
  });
});

describe('with tighter depth and cost limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_COST: '1000' });
  });
  afterAll(() => server.stop());

  it('refuses an operation nested deeper than the limit', async () => {
    const response = await server.graphql(
      '{ similarImages(text: "x") { edges { node { product { id } } } } }',
    );
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
      details: { limit: 'depth', max: 3, found: 5 },
    });
  });

  it('refuses an operation over the cost limit, and serves a cheap one', async () => {
    const costly = await server.graphql(
      '{ similarImages(text: "x", first: 100) { edges { cursor node { score } } } }',
    );
    expect(costly.status).toBe(400);
    expect(costly.body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
      details: { limit: 'cost', max: 1000 },
    });
    const cheap = await server.graphql(
      '{ similarImages(text: "x", first: 1) { pageInfo { hasNextPage } } }',
    );
    expect(cheap.body.errors).toBeUndefined();
  });
});

describe('introspection', () => {
  it('is off in production by default, with its own code', async () => {
    const server = await startTestServer({ NODE_ENV: 'production' });
    try {
      const response = await server.graphql('{ __schema { queryType { name } } }');
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
      expect((await server.graphql(SEARCH)).body.errors).toBeUndefined();
    } finally {
      await server.stop();
    }
  });

  it('can be turned on in production, and off elsewhere', async () => {
    const on = await startTestServer({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' });
    const off = await startTestServer({ GRAPHQL_INTROSPECTION: 'false' });
    try {
      const query = '{ __schema { queryType { name } } }';
      expect((await on.graphql(query)).body.data).toEqual({
        __schema: { queryType: { name: 'Query' } },
      });
      expect((await off.graphql(query)).body.errors?.[0]?.extensions?.code).toBe(
        'INTROSPECTION_DISABLED',
      );
    } finally {
      await Promise.all([on.stop(), off.stop()]);
    }
  });
});

describe('a flood of searches with the alias and token limits raised', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      GRAPHQL_MAX_ALIASES: '1000',
      GRAPHQL_MAX_TOKENS: '100000',
      GRAPHQL_MAX_EMBEDDINGS: '256',
    });
  });
  afterAll(() => server.stop());

  it('refuses 257 aliased searches alone; a shopper sent right after is served', async () => {
    const flood = server.graphql(aliases(257), {}, { accept: 'application/graphql-response+json' });
    const shopper = server.graphql(SEARCH);
    const [refused, served] = await Promise.all([flood, shopper]);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
      details: { limit: 'embeddings', max: 256, found: 257 },
    });
    expect(served.status).toBe(200);
    expect(served.body.errors).toBeUndefined();
  });

  it('keeps every result of an admitted big request while a shopper is served beside it', async () => {
    const [big, shopper] = await Promise.all([
      server.graphql(aliases(200)),
      server.graphql(SEARCH),
    ]);
    expect(big.body.errors).toBeUndefined();
    expect(Object.keys(big.body.data ?? {})).toHaveLength(200);
    expect(shopper.body.errors).toBeUndefined();
  });
});
