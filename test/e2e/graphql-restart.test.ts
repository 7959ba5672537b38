/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/** The SQLite backend keeps acknowledged writes across a restart on the same DATA_DIR. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { photoOf } from '../helpers/images';
import { startTestServer } from '../helpers/test-server';
import { imageFile, indexProduct } from './catalog-fixture';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pis-restart-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

it('stops, starts again on the same data dir and finds the same products', async () => {
  const first = await startTestServer({ DATA_DIR: dataDir });
  try {
    for (const colour of ['red', 'blue', 'green']) {
      const response = await indexProduct(
        first,
        { id: `keep-${colour}`, title: `${colour} kettle`, category: 'home', price: 20 },
        [await imageFile(colour, 'solid')],
      );
      expect(response.body.errors).toBeUndefined();
    }
    await first.graphql(`mutation { deleteProduct(id: "keep-green") { deleted } }`);
  } finally {
    await first.stop();
  }

  const second = await startTestServer({ DATA_DIR: dataDir });
  try {
    const read = await second.graphql(
      `{ products(ids: ["keep-red", "keep-blue", "keep-green"]) { id title images { id } } }`,
    );
    expect(read.body).toEqual({
      data: {
        products: [
          { id: 'keep-red', title: 'red kettle', images: [{ id: 'keep-red#0' }] },
          { id: 'keep-blue', title: 'blue kettle', images: [{ id: 'keep-blue#0' }] },
          null,
        ],
      },
    });
    const byPhoto = await second.upload(
      `query($image: Upload) { similarImages(image: $image) { edges { node { product { id } } } } }`,
      {},
      { 'variables.image': { bytes: await photoOf('blue'), filename: 'q.jpg' } },
    );
    const edges = (
      byPhoto.body.data as {
        similarImages: { edges: Array<{ node: { product: { id: string } } }> };
      }
    ).similarImages.edges;
    expect(edges.map((e) => e.node.product.id)).toEqual(['keep-blue', 'keep-red']);
    const byText = await second.graphql(
      `{ similarImages(text: "kettle") { edges { node { product { id } } } } }`,
    );
    expect(byText.body.errors).toBeUndefined();
  } finally {
    await second.stop();
  }
});
