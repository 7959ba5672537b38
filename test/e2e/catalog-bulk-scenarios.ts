/**
 * The catalog API over real HTTP and multipart bodies: indexProducts with uploads and mixed
 * errors, updateProduct then keyword search, add/remove photos, and re-indexing an unchanged
 * batch without a model run (seen on /metrics). Defined once, run against every backend.
 */
import { notAnImage, photoOf, solidImage } from '../helpers/images';
import type { TestServer } from '../helpers/test-server';

const INDEX_MANY = `mutation($inputs: [ProductInput!]!) {
  indexProducts(inputs: $inputs) {
    index id product { id title images { id position url contentSha256 } } error { code field }
  }
}`;
const PRODUCT_FIELDS = `id title price tags inStock images { id position contentSha256 }`;

interface Result {
  index: number;
  id: string;
  product: { id: string; title: string; images: Array<{ id: string; url: string | null }> } | null;
  error: { code: string; field: string | null } | null;
}

function base(id: string, extra: Record<string, unknown> = {}) {
  return { id, title: `Item ${id}`, category: 'bulk', price: 5, currency: 'USD', ...extra };
}

/** `product_search_indexed_photos_total{source="..."}` from /metrics. */
async function photoCounter(server: TestServer, source: 'reused' | 'embedded'): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`product_search_indexed_photos_total{source="${source}"}`));
  return Number(line?.split(' ').pop());
}

export function describeCatalogBulkScenarios(start: () => Promise<TestServer>): void {
  let server: TestServer;

  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server?.stop());

  async function indexMany(inputs: Array<Record<string, unknown>>, files: Record<string, Buffer>) {
    const parts = Object.fromEntries(
      Object.entries(files).map(([path, bytes], i) => [path, { bytes, filename: `f${i}.jpg` }]),
    );
    const response = await server.upload(INDEX_MANY, { inputs }, parts);
    expect(response.body.errors).toBeUndefined();
    return (response.body.data as { indexProducts: Result[] }).indexProducts;
  }

  it('indexProducts stores the good products and fails each bad one with its code and photo', async () => {
    const inputs = [
      base('bulk-red', { images: [null] }),
      base('bulk-bad-price', { price: -3, images: [null] }),
      base('bulk-not-image', { images: [null], photos: [{ upload: null }] }),
      base('bulk-url', { photos: [{ url: 'http://169.254.169.254/latest/meta-data/a.jpg' }] }),
      base('bulk-both', { photos: [{ url: 'https://img.example.test/b.jpg', upload: null }] }),
      base('bulk-blue', { photos: [{ upload: null }, { upload: null }] }),
    ];
    const results = await indexMany(inputs, {
      'variables.inputs.0.images.0': await photoOf('red'),
      'variables.inputs.1.images.0': await photoOf('green'),
      'variables.inputs.2.images.0': await photoOf('yellow'),
      'variables.inputs.2.photos.0.upload': notAnImage(),
      'variables.inputs.4.photos.0.upload': await photoOf('pink'),
      'variables.inputs.5.photos.0.upload': await solidImage('blue'),
      'variables.inputs.5.photos.1.upload': await photoOf('blue'),
    });
    expect(
      results.map((r) => [
        r.index,
        r.id,
        r.product?.id ?? null,
        r.error?.code ?? null,
        r.error?.field ?? null,
      ]),
    ).toEqual([
      [0, 'bulk-red', 'bulk-red', null, null],
      [1, 'bulk-bad-price', null, 'BAD_USER_INPUT', 'price'],
      [2, 'bulk-not-image', null, 'UNSUPPORTED_MEDIA_TYPE', 'photos.0'],
      [3, 'bulk-url', null, 'IMAGE_URL_FORBIDDEN', 'photos.0'],
      [4, 'bulk-both', null, 'BAD_USER_INPUT', 'photos.0'],
      [5, 'bulk-blue', 'bulk-blue', null, null],
    ]);
    expect(results[5]!.product!.images.map((i) => i.id)).toEqual(['bulk-blue#0', 'bulk-blue#1']);
    const read = await server.graphql(
      `{ products(ids: ${JSON.stringify(inputs.map((i) => i.id))}) { id } }`,
    );
    expect(read.body.data).toEqual({
      products: [{ id: 'bulk-red' }, null, null, null, null, { id: 'bulk-blue' }],
    });
  });

  it('indexProducts refuses more than INDEX_MAX_BATCH inputs before any work', async () => {
    // No photos, so the operation stays within the embedding budget: the batch limit refuses it.
    const inputs = Array.from({ length: 101 }, (_, i) => base(`too-many-${i}`, { photos: [] }));
    const response = await server.graphql(INDEX_MANY, { inputs });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('re-indexing unchanged photos runs no model: /metrics counts them as reused', async () => {
    const files = {
      'variables.inputs.0.images.0': await photoOf('cyan'),
      'variables.inputs.1.images.0': await photoOf('purple'),
    };
    const inputs = [base('reuse-1', { images: [null] }), base('reuse-2', { images: [null] })];
    await indexMany(inputs, files);
    const embedded = await photoCounter(server, 'embedded');
    const reused = await photoCounter(server, 'reused');
    const again = await indexMany(inputs, files);
    expect(again.map((r) => r.error)).toEqual([null, null]);
    expect(await photoCounter(server, 'embedded')).toBe(embedded);
    expect(await photoCounter(server, 'reused')).toBe(reused + 2);
  });

  it('updateProduct changes fields at once for keyword search, without touching photos', async () => {
    await indexMany([base('upd-1', { title: 'Copper kettle', images: [null] })], {
      'variables.inputs.0.images.0': await photoOf('orange'),
    });
    const embedded = await photoCounter(server, 'embedded');
    const response = await server.graphql(
      `mutation($patch: ProductPatch!) { updateProduct(id: "upd-1", patch: $patch) { ${PRODUCT_FIELDS} } }`,
      { patch: { title: 'Brass lantern', price: 12.5, tags: ['garden'], inStock: false } },
    );
    expect(response.body.errors).toBeUndefined();
    expect((response.body.data as { updateProduct: unknown }).updateProduct).toMatchObject({
      id: 'upd-1',
      title: 'Brass lantern',
      price: 12.5,
      tags: ['garden'],
      inStock: false,
      images: [{ id: 'upd-1#0' }],
    });
    const search = await server.graphql(
      `{ similarImages(text: "lantern", first: 5) { edges { node { product { id } } } } }`,
    );
    const ids = (
      search.body.data as { similarImages: { edges: Array<{ node: { product: { id: string } } }> } }
    ).similarImages.edges.map((e) => e.node.product.id);
    expect(ids).toContain('upd-1');
    expect(await photoCounter(server, 'embedded')).toBe(embedded);
    const missing = await server.graphql(
      `mutation { updateProduct(id: "nope", patch: { title: "x" }) { id } }`,
    );
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('addProductPhotos and removeProductPhotos keep the ids of kept photos', async () => {
    await indexMany([base('ph-1', { images: [null] })], {
      'variables.inputs.0.images.0': await photoOf('brown'),
    });
    const add = await server.upload(
      `mutation($photos: [PhotoInput!]!) { addProductPhotos(id: "ph-1", photos: $photos) { ${PRODUCT_FIELDS} } }`,
      { photos: [{ upload: null }] },
      { 'variables.photos.0.upload': { bytes: await photoOf('grey'), filename: 'grey.jpg' } },
    );
    expect(add.body.errors).toBeUndefined();
    const added = (
      add.body.data as { addProductPhotos: { images: Array<{ id: string; position: number }> } }
    ).addProductPhotos;
    expect(added.images.map((i) => [i.id, i.position])).toEqual([
      ['ph-1#0', 0],
      ['ph-1#1', 1],
    ]);
    const remove = await server.graphql(
      `mutation { removeProductPhotos(id: "ph-1", imageIds: ["ph-1#0"]) { ${PRODUCT_FIELDS} } }`,
    );
    expect(remove.body.errors).toBeUndefined();
    const left = (
      remove.body.data as {
        removeProductPhotos: { images: Array<{ id: string; position: number }> };
      }
    ).removeProductPhotos;
    expect(left.images.map((i) => [i.id, i.position])).toEqual([['ph-1#1', 0]]);
    const last = await server.graphql(
      `mutation { removeProductPhotos(id: "ph-1", imageIds: ["ph-1#1"]) { id } }`,
    );
    expect(last.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const hit = await server.upload(
      `query($image: Upload) { similarImages(image: $image, first: 1) { edges { node { product { id } matchedImage { id } } } } }`,
      {},
      { 'variables.image': { bytes: await photoOf('grey', { seed: 11 }), filename: 'q.jpg' } },
    );
    const node = (
      hit.body.data as {
        similarImages: {
          edges: Array<{ node: { product: { id: string }; matchedImage: { id: string } } }>;
        };
      }
    ).similarImages.edges[0]?.node;
    expect(node).toEqual({ product: { id: 'ph-1' }, matchedImage: { id: 'ph-1#1' } });
  });
}
