/**
 * Issue 10 items 5 and 6 from outside: Upload misuse is BAD_USER_INPUT naming the argument,
 * photo errors name the photo, limits are quoted as configured, one HTTP status per code, and
 * what is not a photo is refused from its first bytes with UNSUPPORTED_MEDIA_TYPE.
 */
import sharp from 'sharp';
import { photoOf } from '../helpers/images';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';

const INDEX = 'mutation($input: ProductInput!) { indexProduct(input: $input) { id } }';
const SEARCH = 'query($image: Upload) { similarImages(image: $image) { edges { cursor } } }';
const PRODUCT = { id: 'p1', title: 'Shoe', category: 'shoes', price: 1, currency: 'USD' };
const STRICT = { accept: 'application/graphql-response+json' };
const MAX_BYTES = 200_000;

function photos(
  files: Buffer[],
): Record<string, { bytes: Uint8Array; filename: string; contentType: string }> {
  return Object.fromEntries(
    files.map((bytes, i) => [
      `variables.input.images.${i}`,
      { bytes, filename: `photo-${i}`, contentType: 'application/octet-stream' },
    ]),
  );
}

const svg = (body: string): Buffer =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000">${body}</svg>`);

describe('photo errors, from outside', () => {
  let server: TestServer;
  let jpeg: Buffer;

  beforeAll(async () => {
    server = await startTestServer({ MAX_UPLOAD_BYTES: String(MAX_BYTES), MAX_UPLOAD_FILES: '3' });
    jpeg = await photoOf('red');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('a JSON value for an Upload variable is BAD_USER_INPUT naming the variable', async () => {
    const { status, body } = await server.graphql(SEARCH, { image: 'x' }, STRICT);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain('$image');
  });

  it('a JSON value inside images is BAD_USER_INPUT naming input.images[0]', async () => {
    const { body } = await server.graphql(INDEX, { input: { ...PRODUCT, images: ['x'] } });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors?.[0]?.message).toContain('input.images[0]');
  });

  it('a too-large second photo: PAYLOAD_TOO_LARGE naming it, the real limit, HTTP 413', async () => {
    const big = Buffer.concat([jpeg, Buffer.alloc(MAX_BYTES + 1 - jpeg.length)]);
    const { status, body } = await server.upload(
      INDEX,
      { input: { ...PRODUCT, images: [null, null] } },
      photos([jpeg, big]),
      { headers: STRICT },
    );
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.errors?.[0]?.extensions?.details).toMatchObject({
      argument: 'input.images',
      index: 1,
      maxBytes: MAX_BYTES,
    });
    expect(body.errors?.[0]?.message).toContain(`${MAX_BYTES} byte`);
  });

  it('a photo of exactly the limit passes the size check', async () => {
    const exact = Buffer.concat([jpeg, Buffer.alloc(MAX_BYTES - jpeg.length)]);
    const { body } = await server.upload(
      SEARCH,
      { image: null },
      {
        'variables.image': { bytes: exact, filename: 'exact.jpg' },
      },
    );
    expect(body.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('PAYLOAD_TOO_LARGE');
  });

  it('too many files is PAYLOAD_TOO_LARGE with the same status, 413', async () => {
    const { status, body } = await server.upload(
      INDEX,
      { input: { ...PRODUCT, images: [null, null, null, null] } },
      photos([jpeg, jpeg, jpeg, jpeg]),
      { headers: STRICT },
    );
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  const refused: Array<[string, () => Promise<Buffer> | Buffer, string]> = [
    ['a small SVG', () => svg('<rect width="10" height="10"/>'), 'svg'],
    ['an SVG the parser rejects', () => svg('<rect width="10"'), 'svg'],
    [
      'an SVG with an external reference',
      () => svg('<image href="http://127.0.0.1:1/x.png" width="10" height="10"/>'),
      'svg',
    ],
    [
      'a 190 KB SVG',
      () => svg('<rect width="4000" height="4000" fill="red"/>'.repeat(4000)),
      'svg',
    ],
    ['a PDF', () => Buffer.from('%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n'), 'pdf'],
    [
      'a BMP',
      () =>
        sharp(Buffer.alloc(12), { raw: { width: 2, height: 2, channels: 3 } })
          .png()
          .toBuffer()
          .then((png) => Buffer.concat([Buffer.from('BM'), png])),
      'bmp',
    ],
    [
      'a JPEG with a wrong magic',
      () => Buffer.concat([Buffer.from([0xff, 0xd9]), jpeg.subarray(2)]),
      'unknown',
    ],
  ];

  for (const [name, make, detected] of refused) {
    it(`${name} is refused from its first bytes: UNSUPPORTED_MEDIA_TYPE, 415`, async () => {
      const bytes = await make();
      const { status, body } = await server.upload(
        SEARCH,
        { image: null },
        { 'variables.image': { bytes, filename: 'x' } },
        { headers: STRICT },
      );
      expect(status).toBe(415);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(body.errors?.[0]?.extensions?.details).toMatchObject({ detected });
    });
  }

  it('extreme but valid aspect ratios (3 x 3 000 000 PNG) are refused as IMAGE_ASPECT_RATIO', async () => {
    const tall = await sharp({
      create: { width: 3, height: 3_000_000, channels: 3, background: '#f00' },
    })
      .png()
      .toBuffer();
    const { status, body } = await server.upload(
      SEARCH,
      { image: null },
      { 'variables.image': { bytes: tall, filename: 'tall.png' } },
      { headers: STRICT },
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { reason: 'IMAGE_ASPECT_RATIO', width: 3, height: 3_000_000 },
    });
  });
});
