import type { AppError } from '../../../../src/errors/app-error';
import type { SearchRequest } from '../../../../src/services/search/search.service';
import { SearchService } from '../../../../src/services/search/search.service';
import { RecordingEmbedder } from '../../../fakes/recording-embedder';
import { ScriptedIndex } from '../../../fakes/scripted-product-index';
import { searchLimits } from '../../../helpers/search-limits';

const png = new Uint8Array([1, 2, 3]);
const limits = searchLimits({ maxFirst: 100, maxTextLength: 1000 });

async function rejection(
  request: SearchRequest,
  overrides: Partial<typeof limits> = {},
): Promise<AppError> {
  const service = new SearchService(new RecordingEmbedder(), new ScriptedIndex(), {
    ...limits,
    ...overrides,
  });
  try {
    await service.search(request);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

describe('search request validation', () => {
  it.each<[string, SearchRequest, Record<string, unknown>]>([
    ['no query', {}, { reason: 'EMPTY_QUERY' }],
    ['blank text', { text: '  ' }, { reason: 'EMPTY_QUERY' }],
    ['blank text before a bad first', { text: ' ', first: 0 }, { reason: 'EMPTY_QUERY' }],
    ['long text', { text: 'x'.repeat(1001) }, { argument: 'text', max: 1000 }],
    ['first 0', { image: png, first: 0 }, { argument: 'first', value: 0 }],
    ['first 101', { image: png, first: 101 }, { argument: 'first', value: 101 }],
    ['first 2.5', { image: png, first: 2.5 }, { argument: 'first', value: 2.5 }],
    ['minScore NaN', { image: png, minScore: Number.NaN }, { argument: 'minScore' }],
    ['minScore Infinity', { image: png, minScore: Infinity }, { argument: 'minScore' }],
    ['foreign cursor', { image: png, after: 'bm90LWEtY3Vyc29y' }, { argument: 'after' }],
    [
      'negative minPrice',
      { image: png, filter: { minPrice: -1 } },
      { argument: 'filter.minPrice', value: -1 },
    ],
    [
      'infinite maxPrice',
      { image: png, filter: { maxPrice: Infinity } },
      { argument: 'filter.maxPrice', value: Infinity },
    ],
    [
      'minPrice above maxPrice',
      { image: png, filter: { minPrice: 10, maxPrice: 5 } },
      { argument: 'filter.minPrice' },
    ],
    [
      'too many tags',
      { image: png, filter: { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) } },
      { argument: 'filter.tags' },
    ],
    ['blank category', { image: png, filter: { category: ' ' } }, { argument: 'filter.category' }],
    [
      'negative weight',
      { text: 'x', fusion: { weights: { keyword: -1 } } },
      { argument: 'fusion.weights.keyword', value: -1 },
    ],
    [
      'huge weight',
      { text: 'x', fusion: { weights: { image: 1001 } } },
      { argument: 'fusion.weights.image', value: 1001 },
    ],
    ['negative rrfK', { text: 'x', fusion: { rrfK: -1 } }, { argument: 'fusion.rrfK' }],
    ['huge rrfK', { text: 'x', fusion: { rrfK: 10_001 } }, { argument: 'fusion.rrfK' }],
    ['unknown sort', { text: 'x', sort: 'CHEAPEST' as unknown as 'NEWEST' }, { argument: 'sort' }],
    ['diversity above 1', { text: 'x', diversity: 1.01 }, { argument: 'diversity', value: 1.01 }],
    [
      'duplicateThreshold above 1',
      { text: 'x', collapseDuplicates: true, duplicateThreshold: 2 },
      { argument: 'duplicateThreshold', value: 2 },
    ],
    [
      'descending price buckets',
      { text: 'x', priceBuckets: [10, 5] },
      { argument: 'priceBuckets' },
    ],
    ['repeated price bucket', { text: 'x', priceBuckets: [5, 5] }, { argument: 'priceBuckets' }],
    ['negative price bucket', { text: 'x', priceBuckets: [-1] }, { argument: 'priceBuckets' }],
    [
      'infinite price bucket',
      { text: 'x', priceBuckets: [Infinity] },
      { argument: 'priceBuckets' },
    ],
    [
      'too many price buckets',
      { text: 'x', priceBuckets: Array.from({ length: 21 }, (_, i) => i) },
      { argument: 'priceBuckets' },
    ],
  ])('%s: BAD_USER_INPUT naming the argument', async (_name, request, details) => {
    const error = await rejection(request);
    expect([error.code, error.details]).toEqual(['BAD_USER_INPUT', details]);
  });

  const ref = { product: { productId: 'p1' } };
  it.each<[string, SearchRequest, Record<string, unknown>]>([
    [
      'image and imageUrl',
      { image: png, imageUrl: 'https://x.test/a.jpg' },
      { argument: 'imageUrl', reason: 'IMAGE_AND_IMAGE_URL' },
    ],
    ['only an empty similarTo', { similarTo: [] }, { reason: 'EMPTY_QUERY' }],
    ['only an empty recommend', { recommend: { positive: [] } }, { reason: 'EMPTY_QUERY' }],
    [
      'negatives without a positive',
      { recommend: { positive: [], negative: [ref] } },
      { argument: 'recommend.negative', reason: 'NEGATIVE_WITHOUT_POSITIVE' },
    ],
    [
      'too many examples, similarTo and recommend together',
      {
        similarTo: [{ productId: 'a' }, { productId: 'b' }],
        recommend: { positive: [ref, ref], negative: [ref] },
      },
      { argument: 'recommend', reason: 'TOO_MANY_EXAMPLES', max: 4, count: 5 },
    ],
    [
      'too many similarTo',
      { similarTo: Array.from({ length: 5 }, (_, i) => ({ productId: `p${i}` })) },
      { argument: 'similarTo', reason: 'TOO_MANY_EXAMPLES', max: 4, count: 5 },
    ],
    [
      'an example with no source',
      { recommend: { positive: [ref, { weight: 2 }] } },
      { argument: 'recommend.positive.1', reason: 'EXAMPLE_SOURCE', given: [] },
    ],
    [
      'an example with two sources',
      { recommend: { positive: [ref], negative: [{ text: 'red', url: 'https://x.test/a.jpg' }] } },
      { argument: 'recommend.negative.0', reason: 'EXAMPLE_SOURCE', given: ['url', 'text'] },
    ],
    [
      'a zero weight',
      { recommend: { positive: [{ ...ref, weight: 0 }] } },
      { argument: 'recommend.positive.0.weight', value: 0 },
    ],
    [
      'a negative weight',
      { recommend: { positive: [ref], negative: [{ ...ref, weight: -1 }] } },
      { argument: 'recommend.negative.0.weight', value: -1 },
    ],
    [
      'an infinite weight',
      { recommend: { positive: [{ ...ref, weight: Infinity }] } },
      { argument: 'recommend.positive.0.weight', value: Infinity },
    ],
    [
      'a blank example text',
      { recommend: { positive: [{ text: '   ' }] } },
      { argument: 'recommend.positive.0.text' },
    ],
    [
      'a long example text',
      { recommend: { positive: [{ text: 'x'.repeat(1001) }] } },
      { argument: 'recommend.positive.0.text', max: 1000 },
    ],
  ])('%s: BAD_USER_INPUT naming the argument', async (_name, request, details) => {
    const error = await rejection(request, { maxExamples: 4 });
    expect([error.code, error.details]).toEqual(['BAD_USER_INPUT', details]);
  });

  it('a photo URL without a fetcher is refused, naming the argument', async () => {
    const error = await rejection({ imageUrl: 'https://x.test/a.jpg' });
    expect([error.code, error.details]).toEqual([
      'BAD_USER_INPUT',
      { argument: 'imageUrl', reason: 'URL_INPUT_UNSUPPORTED' },
    ]);
  });

  it('reports the first bad argument in request order', async () => {
    const error = await rejection({ image: png, first: 0, filter: { minPrice: -1 } });
    expect(error.details).toEqual({ argument: 'first', value: 0 });
  });
});
