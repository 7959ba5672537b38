import { createHash } from 'node:crypto';
import { UnsupportedMediaTypeError } from '../../../../src/errors/app-error';
import { IndexingService } from '../../../../src/services/indexing/indexing.service';
import type { ProductInput } from '../../../../src/services/indexing/product-input';
import { MapPhotoFetcher } from '../../../fakes/photo-fakes';
import { RecordingEmbedder } from '../../../fakes/recording-embedder';
import { ScriptedIndex } from '../../../fakes/scripted-product-index';
import { expectCode } from '../../../helpers/expect-code';

const input: ProductInput = {
  id: 'sku-1',
  title: 'Red shoe',
  category: 'shoes',
  price: 12.5,
  currency: 'usd',
  tags: ['sale', 'sale', 'summer'],
  images: [{ bytes: new Uint8Array([1]), filename: 'a.png' }, { bytes: new Uint8Array([2]) }],
};

const limits = (maxImagesPerProduct: number) => ({
  maxImagesPerProduct,
  maxBatch: 100,
  fetchConcurrency: 4,
});
const deps = () => ({ photoFetcher: new MapPhotoFetcher(), photoStore: null });

describe('IndexingService.indexProduct', () => {
  it('embeds every photo in one batch and writes one normalised document', async () => {
    const embedder = new RecordingEmbedder();
    const index = new ScriptedIndex();
    const service = new IndexingService(embedder, index, limits(5), {
      ...deps(),
      now: () => new Date(0),
    });
    const product = await service.indexProduct(input);
    expect(embedder.imageCalls).toEqual([2]);
    expect(index.upserts).toHaveLength(1);
    const doc = index.upserts[0]!;
    expect(doc).toMatchObject({
      currency: 'USD',
      tags: ['sale', 'summer'],
      inStock: true,
      description: '',
      modelId: 'fake-model',
    });
    expect(doc.images.map((i) => [i.id, i.position, i.filename])).toEqual([
      ['sku-1#0', 0, 'a.png'],
      ['sku-1#1', 1, null],
    ]);
    expect(doc.images[0]!.vector).toHaveLength(4);
    expect(doc.images.map((i) => i.contentSha256)).toEqual(
      input.images.map((i) => createHash('sha256').update(i.bytes!).digest('hex')),
    );
    expect(product.images[0]).not.toHaveProperty('vector');
    expect(product.createdAt).toBe(new Date(0).toISOString());
  });

  it('keeps createdAt when a product is re-indexed', async () => {
    const index = new ScriptedIndex();
    const service = new IndexingService(new RecordingEmbedder(), index, limits(5), deps());
    const created = '2020-01-01T00:00:00.000Z';
    index.products.set('sku-1', { ...(await service.indexProduct(input)), createdAt: created });
    const again = await service.indexProduct({ ...input, title: 'Red shoe, new' });
    expect(again.createdAt).toBe(created);
    expect(again.updatedAt).not.toBe(created);
  });

  it('writes nothing for a product that is exactly what is stored, and writes any change', async () => {
    const embedder = new RecordingEmbedder();
    const index = new ScriptedIndex();
    let clock = 0;
    const service = new IndexingService(embedder, index, limits(5), {
      ...deps(),
      now: () => new Date((clock += 1000)),
    });
    const first = await service.indexProduct(input);
    index.products.set('sku-1', first);
    expect(index.upserts).toHaveLength(1);

    // The same feed line again: no write, the stored product (same updatedAt).
    const again = await service.indexProduct({ ...input, currency: 'USD' });
    expect(again).toEqual(first);
    expect(index.upserts).toHaveLength(1);

    // Each kind of change is written.
    const changes: ProductInput[] = [
      { ...input, price: 13 },
      { ...input, inStock: false },
      { ...input, tags: ['summer', 'sale'] },
      { ...input, description: 'Leather' },
      { ...input, images: [...input.images].reverse() },
      { ...input, images: [input.images[0]!, { ...input.images[1]!, filename: 'b.png' }] },
      { ...input, images: [input.images[0]!] },
    ];
    for (const [n, changed] of changes.entries()) {
      await service.indexProduct(changed);
      expect({ change: n, writes: index.upserts.length }).toEqual({ change: n, writes: 2 + n });
    }
  });

  it('names every bad field and writes nothing', async () => {
    const embedder = new RecordingEmbedder();
    const index = new ScriptedIndex();
    const service = new IndexingService(embedder, index, limits(5), deps());
    const error = await expectCode(
      service.indexProduct({
        ...input,
        id: ' ',
        title: 'bell\u0007',
        price: -1,
        currency: 'dollars',
      }),
      'BAD_USER_INPUT',
    );
    const fields = (error.details.fields as Array<{ field: string }>).map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['id', 'title', 'price', 'currency']));
    expect(embedder.imageCalls).toHaveLength(0);
    expect(index.upserts).toHaveLength(0);
  });

  it('refuses too many or no images', async () => {
    const service = new IndexingService(
      new RecordingEmbedder(),
      new ScriptedIndex(),
      limits(1),
      deps(),
    );
    await expectCode(service.indexProduct(input), 'BAD_USER_INPUT');
    await expectCode(service.indexProduct({ ...input, images: [] }), 'BAD_USER_INPUT');
  });

  it('writes nothing when a photo cannot be embedded', async () => {
    const embedder = new RecordingEmbedder();
    embedder.embedImages = () => Promise.reject(new UnsupportedMediaTypeError('not an image'));
    const index = new ScriptedIndex();
    const service = new IndexingService(embedder, index, limits(5), deps());
    await expectCode(service.indexProduct(input), 'UNSUPPORTED_MEDIA_TYPE');
    expect(index.upserts).toHaveLength(0);
  });
});
