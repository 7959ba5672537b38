import { createHash } from 'node:crypto';
import { UnsupportedMediaTypeError } from '../../../../src/errors/app-error';
import type { IndexingObserver } from '../../../../src/services/indexing/indexing.service';
import { IndexingService } from '../../../../src/services/indexing/indexing.service';
import { PhotoKeeper } from '../../../../src/services/indexing/photo-keeper';
import type { ProductInput } from '../../../../src/services/indexing/product-input';
import { InMemoryProductIndex } from '../../../fakes/in-memory-product-index';
import { MapPhotoFetcher, RecordingPhotoStore } from '../../../fakes/photo-fakes';
import { RecordingEmbedder } from '../../../fakes/recording-embedder';
import { expectCode } from '../../../helpers/expect-code';

/** Bytes the RecordingEmbedder refuses: its first byte is 0xff. */
const BAD = new Uint8Array([0xff, 1, 2]);
const JPEG = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, n]);
const PNG = (n: number) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, n]);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

class PickyEmbedder extends RecordingEmbedder {
  override embedImages(images: readonly Uint8Array[]) {
    if (images.some((bytes) => bytes[0] === 0xff && bytes[1] === 1)) {
      this.imageCalls.push(images.length);
      return Promise.reject(new UnsupportedMediaTypeError('not an image'));
    }
    return super.embedImages(images);
  }
}

function product(id: string, photos: ProductInput['images'], extra: Partial<ProductInput> = {}) {
  return {
    id,
    title: `Product ${id}`,
    category: 'c',
    price: 1,
    currency: 'USD',
    images: photos,
    ...extra,
  };
}

async function setup(maxBatch = 10) {
  const embedder = new PickyEmbedder();
  const index = new InMemoryProductIndex({ modelId: embedder.modelId, dims: embedder.dims });
  await index.open();
  const fetcher = new MapPhotoFetcher(
    new Map([
      ['https://img.test/a.png', PNG(1)],
      ['https://img.test/b.jpg', JPEG(2)],
    ]),
  );
  const store = new RecordingPhotoStore();
  const counted = { reused: 0, embedded: 0 };
  const observer: IndexingObserver = {
    photos(reused, embedded) {
      counted.reused += reused;
      counted.embedded += embedded;
    },
  };
  const service = new IndexingService(
    embedder,
    index,
    { maxImagesPerProduct: 3, maxBatch, fetchConcurrency: 2 },
    { photoFetcher: fetcher, photoStore: store, observer },
  );
  return { embedder, index, fetcher, store, counted, service };
}

describe('IndexingService.indexProducts', () => {
  it('writes the good products, fails each bad one alone with its own code and field', async () => {
    const { service, index, store } = await setup();
    const results = await service.indexProducts([
      product('good-1', [{ bytes: PNG(1) }, { url: 'https://img.test/b.jpg', field: 'photos.0' }]),
      product('bad-price', [{ bytes: PNG(2) }], { price: -1 }),
      product('bad-photo', [
        { bytes: PNG(3) },
        { bytes: PNG(4) },
        { bytes: BAD, field: 'photos.0' },
      ]),
      product('bad-url', [
        { bytes: PNG(5) },
        { url: 'https://img.test/missing.png', field: 'photos.1' },
      ]),
      product('no-photos', []),
      product('good-2', [{ bytes: JPEG(7), filename: 'x.jpg' }]),
    ]);
    expect(
      results.map((r) => [
        r.product?.id ?? null,
        r.error?.code ?? null,
        r.error?.details.field ?? null,
      ]),
    ).toEqual([
      ['good-1', null, null],
      [null, 'BAD_USER_INPUT', 'price'],
      [null, 'UNSUPPORTED_MEDIA_TYPE', 'photos.0'],
      [null, 'IMAGE_FETCH_FAILED', 'photos.1'],
      [null, 'BAD_USER_INPUT', 'images'],
      ['good-2', null, null],
    ]);
    const stored = await index.getMany([
      'good-1',
      'bad-price',
      'bad-photo',
      'bad-url',
      'no-photos',
      'good-2',
    ]);
    expect(stored.map((p) => p?.id ?? null)).toEqual(['good-1', null, null, null, null, 'good-2']);
    expect(stored[0]!.images.map((i) => [i.id, i.url])).toEqual([
      ['good-1#0', null],
      ['good-1#1', 'https://img.test/b.jpg'],
    ]);
    // Originals of written products only, with sniffed types.
    expect([...store.photos.keys()].sort()).toEqual(
      [sha(PNG(1)), sha(JPEG(2)), sha(JPEG(7))].sort(),
    );
    expect(store.photos.get(sha(JPEG(2)))?.contentType).toBe('image/jpeg');
    expect(store.photos.get(sha(PNG(1)))?.contentType).toBe('image/png');
  });

  it('refuses an oversized batch before any work', async () => {
    const { service, embedder, fetcher } = await setup(2);
    const three = [1, 2, 3].map((n) => product(`p${n}`, [{ url: 'https://img.test/a.png' }]));
    const error = await expectCode(service.indexProducts(three), 'BAD_USER_INPUT');
    expect(error.details).toMatchObject({ maxBatch: 2 });
    await expectCode(service.indexProducts([]), 'BAD_USER_INPUT');
    expect(embedder.imageCalls).toEqual([]);
    expect(fetcher.fetched).toEqual([]);
  });

  it('never embeds the same bytes twice: within a batch, or on re-index', async () => {
    const { service, embedder, counted, store } = await setup();
    const feed = [
      product('a', [{ bytes: PNG(1) }, { bytes: PNG(2) }]),
      product('b', [{ bytes: PNG(2) }, { url: 'https://img.test/a.png' }]),
    ];
    await service.indexProducts(feed);
    expect(embedder.imageCalls).toEqual([2]);
    expect(counted).toEqual({ reused: 2, embedded: 2 });
    const puts = store.puts.length;
    const again = await service.indexProducts(feed);
    expect(again.every((r) => r.error === null)).toBe(true);
    expect(embedder.imageCalls).toEqual([2]);
    expect(counted).toEqual({ reused: 6, embedded: 2 });
    expect(store.puts).toHaveLength(puts);
  });

  it('fetches URL photos at most fetchConcurrency at a time', async () => {
    const { index } = await setup();
    let inFlight = 0;
    let most = 0;
    const waiting: Array<() => void> = [];
    const fetcher = {
      fetchPhoto(url: string) {
        inFlight++;
        most = Math.max(most, inFlight);
        return new Promise<{ bytes: Uint8Array; finalUrl: string; contentType: null }>((resolve) =>
          waiting.push(() => {
            inFlight--;
            resolve({ bytes: PNG(Number(url.slice(-1))), finalUrl: url, contentType: null });
          }),
        );
      },
    };
    const service = new IndexingService(
      new RecordingEmbedder(),
      index,
      { maxImagesPerProduct: 3, maxBatch: 10, fetchConcurrency: 2 },
      { photoFetcher: fetcher, photoStore: null },
    );
    const inputs = [1, 2, 3, 4, 5].map((n) => product(`f${n}`, [{ url: `https://img.test/${n}` }]));
    const done = service.indexProducts(inputs);
    while (waiting.length > 0 || inFlight > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      waiting.shift()?.();
    }
    const results = await done;
    expect(results.every((r) => r.error === null)).toBe(true);
    expect(most).toBe(2);
  });

  it('indexProduct throws its only product error, naming the photo', async () => {
    const { service, index } = await setup();
    const error = await expectCode(
      service.indexProduct(product('x', [{ bytes: PNG(1) }, { bytes: BAD }])),
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(error.details.field).toBe('images.1');
    expect(await index.getMany(['x'])).toEqual([null]);
  });
});

describe('IndexingService partial updates', () => {
  it('updateProduct changes fields with no model run; keyword search sees it', async () => {
    const { service, embedder, index } = await setup();
    await service.indexProduct(product('u', [{ bytes: PNG(1) }], { title: 'copper kettle' }));
    const runs = embedder.imageCalls.length;
    const updated = await service.updateProduct('u', {
      title: 'brass lantern',
      price: 9,
      tags: null,
    });
    expect(updated).toMatchObject({ title: 'brass lantern', price: 9, category: 'c' });
    expect(embedder.imageCalls).toHaveLength(runs);
    const hits = await index.searchKeyword({ text: 'lantern', filter: {}, k: 5 });
    expect(hits.map((h) => h.productId)).toEqual(['u']);
    await expectCode(service.updateProduct('nope', { title: 'x' }), 'NOT_FOUND');
    await expectCode(service.updateProduct('u', {}), 'BAD_USER_INPUT');
    const bad = await expectCode(service.updateProduct('u', { price: -2 }), 'BAD_USER_INPUT');
    expect(bad.details.fields).toEqual([expect.objectContaining({ field: 'price' })]);
  });

  it('adds and removes photos keeping ids, embedding only new bytes, collecting originals', async () => {
    const { service, embedder, index, store } = await setup();
    await service.indexProduct(product('p', [{ bytes: PNG(1) }, { bytes: PNG(2) }]));
    const [before] = await index.getImageVectors(['p']);
    const added = await service.addProductPhotos('p', [{ url: 'https://img.test/b.jpg' }]);
    expect(added.images.map((i) => [i.id, i.position])).toEqual([
      ['p#0', 0],
      ['p#1', 1],
      ['p#2', 2],
    ]);
    expect(embedder.imageCalls).toEqual([2, 1]);
    await expectCode(service.addProductPhotos('p', [{ bytes: PNG(9) }]), 'BAD_USER_INPUT');
    const removed = await service.removeProductPhotos('p', ['p#0']);
    expect(removed.images.map((i) => [i.id, i.position])).toEqual([
      ['p#1', 0],
      ['p#2', 1],
    ]);
    const [after] = await index.getImageVectors(['p']);
    expect(after![0]!.vector).toEqual(before![1]!.vector);
    expect(store.photos.has(sha(PNG(1)))).toBe(false);
    const again = await service.addProductPhotos('p', [{ bytes: PNG(3) }]);
    expect(again.images.map((i) => i.id)).toEqual(['p#1', 'p#2', 'p#3']);
    const unknown = await expectCode(
      service.removeProductPhotos('p', ['p#1', 'p#0']),
      'BAD_USER_INPUT',
    );
    expect(unknown.details.field).toBe('imageIds.1');
    await expectCode(service.removeProductPhotos('p', ['p#1', 'p#2', 'p#3']), 'BAD_USER_INPUT');
    await expectCode(service.addProductPhotos('nope', [{ bytes: PNG(1) }]), 'NOT_FOUND');
  });

  it('re-indexing a product with other photos collects the originals it dropped', async () => {
    const { service, store } = await setup();
    await service.indexProduct(product('r', [{ bytes: PNG(1) }, { bytes: PNG(2) }]));
    await service.indexProduct(product('r', [{ bytes: PNG(2) }, { bytes: PNG(3) }]));
    expect([...store.photos.keys()].sort()).toEqual([sha(PNG(2)), sha(PNG(3))].sort());
  });

  it('keeps an original another product still references; deleting the last one collects it', async () => {
    const { service, store } = await setup();
    await service.indexProducts([
      product('a', [{ bytes: PNG(1) }]),
      product('b', [{ bytes: PNG(1) }]),
    ]);
    await service.deleteProduct('a');
    expect(store.photos.has(sha(PNG(1)))).toBe(true);
    await service.deleteProduct('b');
    expect(store.photos.has(sha(PNG(1)))).toBe(false);
  });
});

describe('PhotoKeeper', () => {
  it('never collects a pinned hash, and collects it once released and unreferenced', async () => {
    const index = new InMemoryProductIndex({ modelId: 'm', dims: 4 });
    await index.open();
    const store = new RecordingPhotoStore();
    const keeper = new PhotoKeeper(store, index);
    await keeper.put(new Map([['a'.repeat(64), PNG(1)]]));
    const release = keeper.pin(['a'.repeat(64)]);
    await keeper.collect(['a'.repeat(64)]);
    expect(store.photos.has('a'.repeat(64))).toBe(true);
    release();
    await keeper.collect(['a'.repeat(64)]);
    expect(store.photos.has('a'.repeat(64))).toBe(false);
  });
});
