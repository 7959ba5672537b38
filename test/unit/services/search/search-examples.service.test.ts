/**
 * More like this and recommend through the search service, on the in-memory index (which passes
 * the ProductIndex contract): stored products are left out without short pages, and filters,
 * paging and minScore apply as for any search; photos by URL go through the fetcher.
 */
import type { SearchPage, SearchRequest } from '../../../../src/services/search/search.service';
import { SearchService } from '../../../../src/services/search/search.service';
import { MapPhotoFetcher } from '../../../fakes/photo-fakes';
import { InMemoryProductIndex } from '../../../fakes/in-memory-product-index';
import { RecordingEmbedder } from '../../../fakes/recording-embedder';
import { expectCode } from '../../../helpers/expect-code';
import { searchLimits } from '../../../helpers/search-limits';
import {
  axisVector,
  makeProduct,
  normalize,
  seededRandom,
  vectorWithSimilarity,
} from '../../../helpers/product-fixtures';

const DIMS = 4; // RecordingEmbedder's
const COUNT = 30;
/** p00 .. p29, cosine 0.97 down to 0.10 with the seed (axis 0); even ones in category x. */
const similarity = (i: number) => 0.97 - 0.03 * i;
const id = (i: number) => `p${String(i).padStart(2, '0')}`;
const ids = (page: SearchPage) => page.edges.map((edge) => edge.hit.productId);

let index: InMemoryProductIndex;
let embedder: RecordingEmbedder;
let fetcher: MapPhotoFetcher;
let service: SearchService;

beforeEach(async () => {
  const random = seededRandom(12);
  index = new InMemoryProductIndex({ modelId: 'fake-model', dims: DIMS });
  await index.open();
  await index.upsertMany([
    makeProduct({
      id: 'seed',
      title: 'Seed lamp',
      category: 'x',
      vectors: [axisVector(DIMS, 0), axisVector(DIMS, 0)],
    }),
    ...Array.from({ length: COUNT }, (_, i) =>
      makeProduct({
        id: id(i),
        title: `Plain item ${i}`,
        category: i % 2 === 0 ? 'x' : 'y',
        price: i,
        vectors: [vectorWithSimilarity(DIMS, similarity(i), random)],
      }),
    ),
  ]);
  embedder = new RecordingEmbedder();
  fetcher = new MapPhotoFetcher(new Map([['https://img.test/one.jpg', new Uint8Array([1])]]));
  service = new SearchService(embedder, index, searchLimits({ depth: 50 }), fetcher);
});

const similar = (extra: Partial<SearchRequest> = {}): Promise<SearchPage> =>
  service.search({ similarTo: [{ productId: 'seed' }], ...extra });

describe('more like this', () => {
  it('ranks by cosine with the stored vectors, leaves the product out, embeds nothing', async () => {
    const page = await similar({ first: 5 });
    expect(ids(page)).toEqual(['p00', 'p01', 'p02', 'p03', 'p04']);
    page.edges.forEach((edge, i) => expect(edge.hit.score).toBeCloseTo(similarity(i), 5));
    expect(page.hasNextPage).toBe(true);
    expect(embedder.imageCalls).toEqual([]);
    expect(embedder.textCalls).toEqual([]);
  });

  it('walks every other product once, in order, with full pages', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let n = 0; n < 10; n++) {
      const page = await similar({ first: 7, ...(after === undefined ? {} : { after }) });
      seen.push(...ids(page));
      if (!page.hasNextPage) break;
      expect(page.edges).toHaveLength(7);
      after = page.endCursor ?? undefined;
    }
    expect(seen).toEqual(Array.from({ length: COUNT }, (_, i) => id(i)));
  });

  it('applies the filter inside the search: a filtered page is full', async () => {
    const page = await similar({ first: 5, filter: { category: 'x' } });
    expect(ids(page)).toEqual(['p00', 'p02', 'p04', 'p06', 'p08']);
    expect(page.hasNextPage).toBe(true);
  });

  it('drops hits below minScore before paging', async () => {
    // 0.97 .. 0.82 are >= 0.8 (six products), 0.79 is not.
    const first = await similar({ first: 4, minScore: 0.8 });
    expect(ids(first)).toEqual(['p00', 'p01', 'p02', 'p03']);
    expect(first.hasNextPage).toBe(true);
    const rest = await similar({ first: 4, minScore: 0.8, after: first.endCursor! });
    expect(ids(rest)).toEqual(['p04', 'p05']);
    expect(rest.hasNextPage).toBe(false);
  });

  it('one photo of a product: only its vector is the query', async () => {
    await index.upsert(
      makeProduct({ id: 'two-photos', vectors: [axisVector(DIMS, 3), axisVector(DIMS, 0)] }),
    );
    const byPhoto = await service.search({
      similarTo: [{ productId: 'two-photos', imageId: 'two-photos#1' }],
      first: 3,
    });
    // Photo #1 is axis 0, as the seed: the seed itself now comes first, then p00.
    expect(ids(byPhoto)).toEqual(['seed', 'p00', 'p01']);
    expect(byPhoto.edges[0]!.hit.score).toBeCloseTo(1, 6);
  });

  it('leaves the examples out of every fused list, keywords too', async () => {
    const page = await service.search({
      similarTo: [{ productId: 'seed' }],
      text: 'seed lamp',
      first: 100,
    });
    expect(ids(page)).not.toContain('seed');
    expect(ids(page)).toHaveLength(COUNT);
    // The text alone finds the seed by its title.
    const words = await service.search({ text: 'seed lamp', first: 100 });
    expect(ids(words)[0]).toBe('seed');
  });

  it('fuses with a photo as one more list, weighed by examplesWeight', async () => {
    // RecordingEmbedder embeds bytes [1] as axis 1; LINEAR with examples at 0 ranks by the photo.
    const photo = new Uint8Array([1]);
    const alone = await service.search({ image: photo, first: 100 });
    const fused = await service.search({
      image: photo,
      similarTo: [{ productId: 'seed' }],
      first: 100,
      fusion: { mode: 'LINEAR', weights: { image: 1, examples: 0 } },
    });
    expect(ids(fused)).toEqual(ids(alone).filter((id) => id !== 'seed'));
    // Weighed in, the examples list pulls the seed's neighbours to the top.
    const weighed = await service.search({
      image: photo,
      similarTo: [{ productId: 'seed' }],
      first: 3,
      fusion: { mode: 'LINEAR', weights: { image: 0.01, examples: 1 } },
    });
    expect(ids(weighed)).toEqual(['p00', 'p01', 'p02']);
  });

  it('an unknown product fails with NOT_FOUND naming it', async () => {
    const error = await expectCode(
      service.search({ similarTo: [{ productId: 'seed' }, { productId: 'gone' }] }),
      'NOT_FOUND',
    );
    expect(error.details).toEqual({ argument: 'similarTo.1', productId: 'gone' });
  });
});

describe('recommend', () => {
  it('a negative example pushes its look-alike down', async () => {
    // cosine 0.9 with the seed, and a large component along axis 1.
    await index.upsert(
      makeProduct({ id: 'look-alike', vectors: [normalize([0.9, Math.sqrt(1 - 0.81), 0, 0])] }),
    );
    const positive = [{ product: { productId: 'seed' } }];
    const rank = (page: SearchPage) => ids(page).indexOf('look-alike');
    const plain = await service.search({ recommend: { positive }, first: 100 });
    // RecordingEmbedder embeds bytes [1] as axis 1: the look-alike's other direction.
    const negative = [{ upload: new Uint8Array([1]) }];
    const pushed = await service.search({ recommend: { positive, negative }, first: 100 });
    expect(rank(plain)).toBe(3); // after p00, p01, p02 (0.97, 0.94, 0.91)
    expect(rank(pushed)).toBeGreaterThan(rank(plain) + 10);
    expect(embedder.imageCalls).toEqual([1]);
  });

  it('a stored negative is left out as well', async () => {
    const page = await service.search({
      recommend: {
        positive: [{ product: { productId: 'seed' } }],
        negative: [{ product: { productId: 'p00' } }],
      },
      first: 100,
    });
    expect(ids(page)).not.toContain('p00');
    expect(ids(page)).not.toContain('seed');
    expect(ids(page)).toHaveLength(COUNT - 1);
  });

  it('weights count: a heavy text positive outweighs a light stored one', async () => {
    // RecordingEmbedder embeds a text of length 3 as axis 3, which only p-products touch.
    const page = await service.search({
      recommend: {
        positive: [
          { product: { productId: 'seed' }, weight: 0.01 },
          { text: 'abc', weight: 100 },
        ],
      },
      first: 1,
    });
    const third = await service.search({
      recommend: { positive: [{ text: 'abc' }] },
      first: 1,
    });
    expect(ids(page)).toEqual(ids(third));
    expect(embedder.textCalls).toEqual([['abc'], ['abc']]);
  });
});

describe('photos by URL', () => {
  it('imageUrl is fetched, then searched exactly like the same photo uploaded', async () => {
    const byUrl = await service.search({ imageUrl: 'https://img.test/one.jpg', first: 10 });
    const byUpload = await service.search({ image: new Uint8Array([1]), first: 10 });
    expect(byUrl.edges.map((e) => e.hit)).toEqual(byUpload.edges.map((e) => e.hit));
    expect(fetcher.fetched).toEqual(['https://img.test/one.jpg']);
  });

  it('a fetch failure keeps the fetcher code and names the argument', async () => {
    const error = await expectCode(
      service.search({ imageUrl: 'https://img.test/missing.jpg' }),
      'IMAGE_FETCH_FAILED',
    );
    expect(error.details).toMatchObject({
      argument: 'imageUrl',
      url: 'https://img.test/missing.jpg',
      httpStatus: 404,
    });
    const inExample = await expectCode(
      service.search({
        recommend: {
          positive: [{ url: 'https://img.test/one.jpg' }, { url: 'https://img.test/missing.jpg' }],
        },
      }),
      'IMAGE_FETCH_FAILED',
    );
    expect(inExample.details).toMatchObject({ argument: 'recommend.positive.1' });
    expect(embedder.imageCalls).toEqual([]);
  });
});
