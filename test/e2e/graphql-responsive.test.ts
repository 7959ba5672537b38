/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/**
 * The served app stays responsive: while concurrent photo searches with big photos keep the
 * model busy (decode, preprocess, micro-batched inference), a trivial GraphQL query sent to
 * the same server keeps getting answered.
 */
import sharp from 'sharp';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';
import { colourPhoto } from '../helpers/toy-model';

const SEARCHES = 16;
const SEARCH = 'query($image: Upload) { similarImages(image: $image) { edges { cursor } } }';

let server: TestServer;
let photos: Buffer[];

beforeAll(async () => {
  server = await startTestServer({ IMAGE_CACHE_SIZE: '0' });
  const small = await Promise.all(
    ['red', 'green', 'blue', 'yellow'].map((colour, seed) =>
      colourPhoto(colour, { width: 300, height: 225, noise: 40, seed }),
    ),
  );
  // Distinct big photos (different sizes), so no two searches share a decode.
  photos = await Promise.all(
    Array.from({ length: SEARCHES }, (_, i) =>
      sharp(small[i % small.length])
        .resize(2000 + i * 8, 1500, { kernel: 'nearest' })
        .jpeg({ quality: 90 })
        .toBuffer(),
    ),
  );
  // Warm-up: first requests compile code paths and load undici.
  await server.graphql('{ __typename }');
});
afterAll(() => server?.stop());

it('answers { __typename } while photo searches keep the model busy', async () => {
  let searchesDone = false;
  const searches = Promise.all(
    photos.map((bytes) =>
      server.upload(SEARCH, {}, { 'variables.image': { bytes, filename: 'big.jpg' } }),
    ),
  ).finally(() => {
    searchesDone = true;
  });
  let answeredDuring = 0;
  while (!searchesDone) {
    const response = await server.graphql('{ __typename }');
    expect(response.body.data).toEqual({ __typename: 'Query' });
    if (!searchesDone) answeredDuring++;
  }
  const responses = await searches;
  expect(responses.every((r) => r.body.errors === undefined)).toBe(true);
  // A blocked event loop would answer at most once or twice, after the searches finished.
  expect(answeredDuring).toBeGreaterThanOrEqual(5);
});
