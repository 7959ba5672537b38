/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/**
 * Bad input over real HTTP: each case gets its own error code, changes nothing, and the server
 * keeps serving. Limits are lowered so the oversized cases stay small and quick.
 */
import { existsSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { WriteStream } from 'graphql-upload-ts';
import { bytesOfSize, manyPixelsPng, notAnImage, photoOf, truncatedJpeg } from '../helpers/images';
import { graphqlMultipart } from '../helpers/multipart';
import type { FilePart } from '../helpers/multipart';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';
import { imageFile, indexProduct, INDEX_PRODUCT } from './catalog-fixture';

const MAX_UPLOAD_BYTES = 200_000;
const MAX_IMAGE_PIXELS = 1_000_000;
const SEARCH = `query($image: Upload, $text: String, $first: Int) {
  similarImages(image: $image, text: $text, first: $first) { edges { node { product { id } } } }
}`;

let server: TestServer;
let baseline: unknown;

const SNAPSHOT = `{ products(ids: ["base", "bad"]) { id title updatedAt images { id contentSha256 } } }`;

beforeAll(async () => {
  server = await startTestServer({
    MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
    MAX_IMAGE_PIXELS: String(MAX_IMAGE_PIXELS),
    MAX_UPLOAD_FILES: '3',
  });
  const indexed = await indexProduct(
    server,
    { id: 'base', title: 'Baseline red lamp', category: 'home', price: 30 },
    [await imageFile('red', 'solid')],
  );
  expect(indexed.body.errors).toBeUndefined();
  baseline = (await server.graphql(SNAPSHOT)).body;
});

afterEach(async () => {
  // Nothing changed, and the server still answers a real search.
  expect((await server.graphql(SNAPSHOT)).body).toEqual(baseline);
  const search = await server.upload(
    SEARCH,
    {},
    {
      'variables.image': { bytes: await photoOf('red'), filename: 'q.jpg' },
    },
  );
  expect(search.body).toEqual({
    data: { similarImages: { edges: [{ node: { product: { id: 'base' } } }] } },
  });
});
afterAll(async () => {
  await server?.stop();
  // graphql-upload-ts buffers uploads in temp files; the server runs in this process, so an
  // upload left open after failed requests shows up as an open descriptor here (Linux).
  expect(await openUploadFiles()).toEqual([]);
});

async function openUploadFiles(): Promise<string[]> {
  if (!existsSync('/proc/self/fd')) return [];
  const targets = await Promise.all(
    (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.includes('capacitor-'));
}

it('the leak check sees an upload that is still open', async () => {
  // Proves openUploadFiles can fail: the same kind of temp file an upload is buffered in.
  const capacitor = new WriteStream();
  await new Promise((resolve) => capacitor.once('ready', resolve));
  expect((await openUploadFiles()).length).toBe(1);
  capacitor.release();
  await new Promise((resolve) => capacitor.once('close', resolve));
  expect(await openUploadFiles()).toEqual([]);
});

const codes = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  body.errors?.map((e) => e.extensions?.code);

function badProduct(file: FilePart) {
  return indexProduct(server, { id: 'bad', title: 'Bad', category: 'x', price: 1 }, [file]);
}

function searchWith(file: FilePart) {
  return server.upload(SEARCH, {}, { 'variables.image': file });
}

describe.each([
  ['indexProduct', badProduct],
  ['similarImages', searchWith],
])('%s refuses', (_name, send) => {
  it('a file that is not an image: UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await send({
      bytes: notAnImage(),
      filename: 'doc.pdf',
      contentType: 'application/pdf',
    });
    expect(codes(response.body)).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
  });

  it('a truncated JPEG: BAD_USER_INPUT', async () => {
    const response = await send({
      bytes: await truncatedJpeg(),
      filename: 'cut.jpg',
      contentType: 'image/jpeg',
    });
    expect(codes(response.body)).toEqual(['BAD_USER_INPUT']);
  });

  it('a file over the byte limit: PAYLOAD_TOO_LARGE', async () => {
    const response = await send({ bytes: bytesOfSize(MAX_UPLOAD_BYTES + 1), filename: 'big.jpg' });
    expect(codes(response.body)).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  it('an image over the pixel limit: PAYLOAD_TOO_LARGE', async () => {
    const bytes = await manyPixelsPng(2000, 1000);
    expect(bytes.length).toBeLessThan(MAX_UPLOAD_BYTES);
    const response = await send({ bytes, filename: 'huge.png', contentType: 'image/png' });
    expect(codes(response.body)).toEqual(['PAYLOAD_TOO_LARGE']);
  });
});

it('accepts a file of exactly the byte limit as far as the byte check goes', async () => {
  const response = await searchWith({ bytes: bytesOfSize(MAX_UPLOAD_BYTES), filename: 'edge.jpg' });
  expect(codes(response.body)).not.toContain('PAYLOAD_TOO_LARGE');
});

it('a search with neither image nor text: BAD_USER_INPUT', async () => {
  for (const variables of [{}, { text: '   ' }]) {
    const response = await server.graphql(SEARCH, variables);
    expect(codes(response.body)).toEqual(['BAD_USER_INPUT']);
  }
});

it.each([0, 101, -1])('first = %i: BAD_USER_INPUT', async (first) => {
  const response = await server.graphql(SEARCH, { text: 'red', first });
  expect(codes(response.body)).toEqual(['BAD_USER_INPUT']);
});

it('an `after` cursor this server did not issue: BAD_USER_INPUT', async () => {
  const response = await server.graphql(
    `{ similarImages(text: "red", after: "bm90LWEtY3Vyc29y") { edges { cursor } } }`,
  );
  expect(codes(response.body)).toEqual(['BAD_USER_INPUT']);
});

it('deleting an unknown product id: NOT_FOUND', async () => {
  const response = await server.graphql(`mutation { deleteProduct(id: "never-was") { id } }`);
  expect(codes(response.body)).toEqual(['NOT_FOUND']);
});

it('invalid product fields: BAD_USER_INPUT naming the fields', async () => {
  const response = await indexProduct(
    server,
    { id: 'bad', title: '', category: 'x', price: -1, currency: 'dollars' },
    [await imageFile('blue', 'solid')],
  );
  expect(codes(response.body)).toEqual(['BAD_USER_INPUT']);
  const details = response.body.errors?.[0]?.extensions?.details as {
    fields: Array<{ field: string }>;
  };
  expect(details.fields.map((f) => f.field).sort()).toEqual(['currency', 'price', 'title']);
});

it('a query that does not validate keeps GRAPHQL_VALIDATION_FAILED', async () => {
  const response = await server.graphql(`{ product(id: "base") { nope } }`);
  expect(response.status).toBe(400);
  expect(codes(response.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
});

it('a multipart request without the preflight header is blocked by CSRF prevention', async () => {
  const response = await indexWithoutPreflight();
  expect(response.status).toBe(400);
  expect(codes(response.body)).toEqual(['BAD_REQUEST']);
});

async function indexWithoutPreflight() {
  return server.upload(
    INDEX_PRODUCT,
    { input: { id: 'bad', title: 'Sneaky', category: 'x', price: 1, currency: 'USD', images: [] } },
    { 'variables.input.images.0': await imageFile('green', 'solid') },
    { preflight: false },
  );
}

it('more files than MAX_UPLOAD_FILES: PAYLOAD_TOO_LARGE as JSON', async () => {
  const file = await imageFile('green', 'solid');
  const response = await indexProductWithFiles([file, file, file, file]);
  expect(response.status).toBe(413);
  expect(codes(response.body)).toEqual(['PAYLOAD_TOO_LARGE']);
});

function indexProductWithFiles(files: FilePart[]) {
  const map: Record<string, FilePart> = {};
  files.forEach((f, i) => (map[`variables.input.images.${i}`] = f));
  return server.upload(
    INDEX_PRODUCT,
    { input: { id: 'bad', title: 'Many', category: 'x', price: 1, currency: 'USD', images: [] } },
    map,
  );
}

it('a broken multipart body fails before GraphQL with a JSON error and a code', async () => {
  const { body, contentType } = graphqlMultipart(
    { query: SEARCH },
    {
      'variables.image': { bytes: Buffer.from('x'), filename: 'x' },
    },
  );
  const broken = Buffer.from(body.toString('latin1').replace('"map"', '"nap"'), 'latin1');
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': contentType, 'apollo-require-preflight': 'true' },
    body: new Uint8Array(broken),
  });
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const json = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
  expect(json.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
});

it('bad JSON in a plain request: a JSON error with a code', async () => {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query": ',
  });
  expect(response.status).toBe(400);
  const json = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
  expect(json.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
});
