/**
 * Photos by URL through the whole service: a real image host on 127.0.0.1 (let through by the
 * allow-list, as an in-house image host would be), the default refusal of loopback and
 * metadata addresses, and a redirect from an allowed host to a refused one.
 */
import type http from 'node:http';
import { photoOf } from '../helpers/images';
import type { LocalHttpServer } from '../helpers/local-http-server';
import { startLocalHttpServer } from '../helpers/local-http-server';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';

const INDEX_MANY = `mutation($inputs: [ProductInput!]!) {
  indexProducts(inputs: $inputs) {
    id product { id images { url contentSha256 } } error { code field }
  }
}`;

interface Result {
  id: string;
  product: { id: string; images: Array<{ url: string | null; contentSha256: string }> } | null;
  error: { code: string; field: string | null } | null;
}

let host: LocalHttpServer;
let red: Buffer;
const served: string[] = [];

beforeAll(async () => {
  red = await photoOf('red', { format: 'jpeg' });
  host = await startLocalHttpServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    served.push(req.url ?? '');
    if (req.url === '/red.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(red);
    else if (req.url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else res.writeHead(404).end();
  });
});
afterAll(() => host.close());

function product(id: string, url: string) {
  return {
    id,
    title: `By URL ${id}`,
    category: 'url',
    price: 1,
    currency: 'USD',
    photos: [{ url }],
  };
}

async function indexMany(server: TestServer, inputs: unknown[]): Promise<Result[]> {
  const { body } = await server.graphql(INDEX_MANY, { inputs });
  expect(body.errors).toBeUndefined();
  return (body.data as { indexProducts: Result[] }).indexProducts;
}

describe('with the image host on the allow-list', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      IMAGE_FETCH_ALLOW_HOSTS: '127.0.0.1',
      IMAGE_FETCH_RETRIES: '0',
    });
  });
  afterAll(() => server.stop());

  it('fetches, embeds and keeps a photo given by URL, and keeps its source URL', async () => {
    const url = `${host.baseUrl}/red.jpg`;
    const [result] = await indexMany(server, [product('url-red', url)]);
    expect(result!.error).toBeNull();
    expect(result!.product!.images).toEqual([{ url, contentSha256: expect.any(String) }]);
    const sha = result!.product!.images[0]!.contentSha256;
    const kept = await fetch(`${server.url}/photos/${sha}`);
    expect(kept.status).toBe(200);
    expect(Buffer.from(await kept.arrayBuffer()).equals(red)).toBe(true);
    const { body } = await server.graphql(
      '{ similarImages(text: "red", first: 1) { edges { node { product { id } } } } }',
    );
    expect(body.data).toMatchObject({
      similarImages: { edges: [{ node: { product: { id: 'url-red' } } }] },
    });
  });

  it('names the photo and the host status when the host answers 404', async () => {
    const [result] = await indexMany(server, [product('url-404', `${host.baseUrl}/missing.jpg`)]);
    expect(result!.error).toEqual({ code: 'IMAGE_FETCH_FAILED', field: 'photos.0' });
  });

  it('refuses a redirect from the allowed host to the cloud metadata address', async () => {
    const [result] = await indexMany(server, [product('url-redir', `${host.baseUrl}/to-metadata`)]);
    expect(result!.error).toEqual({ code: 'IMAGE_URL_FORBIDDEN', field: 'photos.0' });
  });
});

describe('with the default address policy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('refuses loopback by address and by a name that resolves to it, before any request', async () => {
    const before = served.length;
    const port = new URL(host.baseUrl).port;
    const results = await indexMany(server, [
      product('loop-ip', `${host.baseUrl}/red.jpg`),
      product('loop-name', `http://localhost:${port}/red.jpg`),
      product('loop-v6', `http://[::ffff:127.0.0.1]:${port}/red.jpg`),
    ]);
    expect(results.map((r) => r.error)).toEqual([
      { code: 'IMAGE_URL_FORBIDDEN', field: 'photos.0' },
      { code: 'IMAGE_URL_FORBIDDEN', field: 'photos.0' },
      { code: 'IMAGE_URL_FORBIDDEN', field: 'photos.0' },
    ]);
    expect(served.length).toBe(before);
  });
});
