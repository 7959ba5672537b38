/**
 * indexProduct / product / products / deleteProduct through real HTTP and multipart bodies.
 * Defined once, run against every backend (graphql-catalog*.test.ts).
 */
import { photoOf } from '../helpers/images';
import type { TestServer } from '../helpers/test-server';
import { imageFile, indexProduct } from './catalog-fixture';

export function describeCatalogScenarios(start: () => Promise<TestServer>): void {
  let server: TestServer;

  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server?.stop());

  const PRODUCT = `query($id: ID!) { product(id: $id) { id title price tags inStock images { id filename } } }`;
  const SEARCH_BY_PHOTO = `query($image: Upload, $filter: ProductFilter) {
  similarImages(image: $image, filter: $filter, first: 1) { edges { node { score product { id } } } }
}`;

  async function product(id: string) {
    const response = await server.graphql(PRODUCT, { id });
    expect(response.body.errors).toBeUndefined();
    return (response.body.data as { product: Record<string, unknown> | null }).product;
  }

  async function nearest(colour: string, filter?: Record<string, unknown>) {
    const response = await server.upload(
      SEARCH_BY_PHOTO,
      { filter },
      {
        'variables.image': { bytes: await photoOf(colour), filename: 'q.jpg' },
      },
    );
    const data = response.body.data as {
      similarImages: { edges: Array<{ node: { score: number; product: { id: string } } }> };
    };
    return data.similarImages.edges[0]?.node;
  }

  it('indexProduct stores every field and image, normalised, and returns the stored product', async () => {
    const response = await indexProduct(
      server,
      {
        id: 'p-red',
        title: '  Red sneaker ',
        description: 'Light and red.',
        category: 'shoes',
        price: 59.9,
        currency: 'eur',
        tags: ['sale', 'sale', 'sport'],
      },
      [await imageFile('red', 'solid', 'png'), await imageFile('red', 'photo', 'jpeg')],
      ['https://cdn.example.test/p-red.png', null],
    );
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const stored = (response.body.data as { indexProduct: Record<string, unknown> }).indexProduct;
    expect(stored).toMatchObject({
      id: 'p-red',
      title: 'Red sneaker',
      description: 'Light and red.',
      category: 'shoes',
      price: 59.9,
      currency: 'EUR',
      tags: ['sale', 'sport'],
      inStock: true,
      images: [
        {
          id: 'p-red#0',
          position: 0,
          url: 'https://cdn.example.test/p-red.png',
          filename: 'red.png',
          width: 64,
          height: 48,
        },
        { id: 'p-red#1', position: 1, url: null, filename: 'red.jpg', width: 120, height: 90 },
      ],
    });
    expect(typeof stored.modelId).toBe('string');
    expect(Date.parse(String(stored.createdAt))).not.toBeNaN();
    expect(await product('p-red')).toMatchObject({ id: 'p-red', title: 'Red sneaker' });
  });

  it('re-indexing an id replaces the product: fields, images and its place in searches', async () => {
    await indexProduct(server, { id: 'p-swap', title: 'Blue mug', category: 'home', price: 5 }, [
      await imageFile('blue', 'solid'),
    ]);
    const before = await nearest('blue', { category: 'home' });
    expect(before?.product.id).toBe('p-swap');
    const again = await indexProduct(
      server,
      { id: 'p-swap', title: 'Yellow mug', category: 'home', price: 6, inStock: false },
      [await imageFile('yellow', 'solid'), await imageFile('yellow', 'photo', 'jpeg')],
    );
    expect(again.body.errors).toBeUndefined();
    expect(await product('p-swap')).toMatchObject({
      title: 'Yellow mug',
      price: 6,
      inStock: false,
      images: [{ id: 'p-swap#0' }, { id: 'p-swap#1' }],
    });
    expect((await nearest('yellow'))?.product.id).toBe('p-swap');
    // The blue photo it had is gone: a blue query now matches it far less well.
    const after = await nearest('blue', { category: 'home' });
    expect(after?.product.id).toBe('p-swap');
    expect(after?.score).toBeLessThan((before?.score ?? 0) - 0.3);
  });

  it('products(ids) answers in the order asked, null for unknown ids', async () => {
    const response = await server.graphql(`{ products(ids: ["p-swap", "nope", "p-red"]) { id } }`);
    expect(response.body).toEqual({
      data: { products: [{ id: 'p-swap' }, null, { id: 'p-red' }] },
    });
  });

  it('deleteProduct removes it from reads and searches; deleting again is NOT_FOUND', async () => {
    await indexProduct(server, { id: 'p-green', title: 'Green hat', category: 'hats', price: 9 }, [
      await imageFile('green', 'solid'),
    ]);
    expect((await nearest('green'))?.product.id).toBe('p-green');
    const DELETE = `mutation($id: ID!) { deleteProduct(id: $id) { id deleted } }`;
    const first = await server.graphql(DELETE, { id: 'p-green' });
    expect(first.body).toEqual({ data: { deleteProduct: { id: 'p-green', deleted: true } } });
    expect(await product('p-green')).toBeNull();
    expect((await nearest('green'))?.product.id).not.toBe('p-green');
    const again = await server.graphql(DELETE, { id: 'p-green' });
    expect(again.body.data).toBeNull();
    expect(again.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
}
