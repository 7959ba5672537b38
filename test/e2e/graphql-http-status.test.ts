/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/**
 * HTTP statuses over real HTTP. A request that fails as a whole tells its code's status to
 * clients that accept application/graphql-response+json; application/json clients get 200 for
 * every request that executed (the GraphQL-over-HTTP spec); failures answered before GraphQL
 * runs carry their code's status under either media type.
 */
import { notAnImage } from '../helpers/images';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';
import { imageFile, INDEX_PRODUCT } from './catalog-fixture';

const GRAPHQL_RESPONSE = { accept: 'application/graphql-response+json' };
const DELETE_UNKNOWN = `mutation { deleteProduct(id: "never-was") { id } }`;
const SEARCH = `query($image: Upload, $text: String) {
  similarImages(image: $image, text: $text) { edges { cursor } }
}`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_UPLOAD_FILES: '2' });
});
afterAll(() => server?.stop());

function codeOf(body: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown {
  return body.errors?.[0]?.extensions?.code;
}

it('an executed request that failed answers 200 to application/json clients', async () => {
  const response = await server.graphql(DELETE_UNKNOWN, {}, { accept: 'application/json' });
  expect([response.status, codeOf(response.body)]).toEqual([200, 'NOT_FOUND']);
  expect(response.body.data).toBeNull();
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
});

it("the same failure answers its code's status under application/graphql-response+json", async () => {
  const response = await server.graphql(DELETE_UNKNOWN, {}, GRAPHQL_RESPONSE);
  expect([response.status, codeOf(response.body)]).toEqual([404, 'NOT_FOUND']);
  expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
});

it('a search without image or text: 400 under application/graphql-response+json', async () => {
  const response = await server.graphql(SEARCH, {}, GRAPHQL_RESPONSE);
  expect([response.status, codeOf(response.body)]).toEqual([400, 'BAD_USER_INPUT']);
});

it('an upload that is not an image: 415 under application/graphql-response+json', async () => {
  const response = await server.upload(
    SEARCH,
    { image: null },
    { 'variables.image': { bytes: notAnImage(), filename: 'notes.txt' } },
    { headers: GRAPHQL_RESPONSE },
  );
  expect([response.status, codeOf(response.body)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
});

it('a successful request answers 200 under application/graphql-response+json', async () => {
  const response = await server.graphql('{ product(id: "none") { id } }', {}, GRAPHQL_RESPONSE);
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ data: { product: null } });
});

it('a document that does not validate keeps 400 under both media types', async () => {
  for (const accept of ['application/json', GRAPHQL_RESPONSE.accept]) {
    const response = await server.graphql('{ nope }', {}, { accept });
    expect([response.status, codeOf(response.body)]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
  }
});

it('too many files fail before GraphQL with 413, in the media type the client takes', async () => {
  const file = await imageFile('green', 'solid');
  const files = Object.fromEntries([0, 1, 2].map((i) => [`variables.input.images.${i}`, file]));
  const input = { id: 'x', title: 'Many', category: 'x', price: 1, currency: 'USD', images: [] };
  const response = await server.upload(INDEX_PRODUCT, { input }, files, {
    headers: GRAPHQL_RESPONSE,
  });
  expect([response.status, codeOf(response.body)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
});

it('unknown routes answer the JSON 404 with its code', async () => {
  const response = await fetch(`${server.url}/nope`);
  expect(response.status).toBe(404);
  expect(codeOf((await response.json()) as Parameters<typeof codeOf>[0])).toBe('NOT_FOUND');
});
