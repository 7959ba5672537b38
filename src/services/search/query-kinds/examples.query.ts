import { BadUserInputError, NotFoundError } from '../../../errors/app-error';
import { withArgument } from '../request-rules';
import type { WeightedVector } from './example-vector';
import { meanDirection, recommendVector } from './example-vector';
import { knnList } from './knn-list';
import type { QueryBuilder, QueryContext } from './query-kind';

/** A stored product (all its photos), or one stored photo of it. */
interface ProductExample {
  readonly kind: 'product';
  readonly productId: string;
  readonly imageId?: string;
}
/** A photo's encoded bytes (uploaded, or already fetched from its URL). */
interface PhotoExample {
  readonly kind: 'photo';
  readonly image: Uint8Array;
}
/** Words, embedded by the text tower. Trimmed, non-empty. */
interface TextExample {
  readonly kind: 'text';
  readonly text: string;
}

export interface Example {
  readonly source: ProductExample | PhotoExample | TextExample;
  /** Greater than 0. */
  readonly weight: number;
  /** Where the request gave it (`recommend.positive.1`, `similarTo.0`), for errors. */
  readonly argument: string;
}

/** More like this / recommend: weighted positive and negative examples. */
export interface ExamplesQuery {
  readonly kind: 'examples';
  /** At least one. */
  readonly positive: readonly Example[];
  readonly negative: readonly Example[];
}

/**
 * One kNN list (weight key `examples`, cosine) with q = normalise(2p - n) (example-vector.ts).
 * Stored products are read from the index (never re-embedded); photos are embedded in one
 * embedImages call and texts in one embedTexts call. The stored products among the examples
 * are left out of every list of the search (the plan's `exclude`, see QueryContext.exclude).
 */
export const examplesQuery: QueryBuilder<ExamplesQuery> = {
  listCount: 1,
  async build(part, context) {
    return [await knnList(context, 'examples', await vectorOnce(part, context))];
  },
};

// A fused search may build its lists more than once (a prefix round, then the whole depth):
// each search's examples are read and embedded once. Keyed by the part, which lives one search.
const vectors = new WeakMap<ExamplesQuery, Promise<Float32Array>>();

function vectorOnce(part: ExamplesQuery, context: QueryContext): Promise<Float32Array> {
  let vector = vectors.get(part);
  if (vector === undefined) {
    vector = queryVector(part, context);
    vectors.set(part, vector);
  }
  return vector;
}

/** q = normalise(2p - n) over the examples' vectors (example-vector.ts). */
async function queryVector(part: ExamplesQuery, context: QueryContext): Promise<Float32Array> {
  const found = await exampleVectors([...part.positive, ...part.negative], context);
  const weighted = (examples: readonly Example[], offset: number): WeightedVector[] =>
    examples.map((example, i) => ({ vector: found[offset + i]!, weight: example.weight }));
  const vector = recommendVector(
    weighted(part.positive, 0),
    weighted(part.negative, part.positive.length),
  );
  if (vector === undefined) {
    throw new BadUserInputError('The examples cancel out: their combined vector has no direction', {
      argument: 'recommend',
      reason: 'EXAMPLES_CANCEL_OUT',
    });
  }
  return vector;
}

/** One vector per example, in order: stored, embedded as photos, embedded as texts. */
async function exampleVectors(
  examples: readonly Example[],
  context: QueryContext,
): Promise<Float32Array[]> {
  const of = <K extends Example['source']['kind']>(kind: K) =>
    examples.filter(
      (e): e is Example & { source: Extract<Example['source'], { kind: K }> } =>
        e.source.kind === kind,
    );
  const [stored, photos, texts] = await Promise.all([
    storedVectors(of('product'), context),
    photoVectors(of('photo'), context),
    textVectors(of('text'), context),
  ]);
  const byExample = new Map<Example, Float32Array>();
  for (const [example, vector] of [...stored, ...photos, ...texts]) byExample.set(example, vector);
  return examples.map((example) => byExample.get(example)!);
}

type Pairs<E> = Array<[E, Float32Array]>;

async function storedVectors(
  examples: ReadonlyArray<Example & { source: ProductExample }>,
  context: QueryContext,
): Promise<Pairs<Example>> {
  if (examples.length === 0) return [];
  const ids = [...new Set(examples.map((e) => e.source.productId))];
  const found = await context.index.getImageVectors(ids);
  const byId = new Map(ids.map((id, i) => [id, found[i] ?? null]));
  return examples.map((example) => {
    const { productId, imageId } = example.source;
    const where = { argument: example.argument, productId };
    const images = byId.get(productId) ?? null;
    if (images === null) throw new NotFoundError(`No product with id ${productId}`, where);
    const chosen = imageId === undefined ? images : images.filter((i) => i.imageId === imageId);
    if (imageId !== undefined && chosen.length === 0) {
      throw new NotFoundError(`Product ${productId} has no image ${imageId}`, {
        ...where,
        imageId,
      });
    }
    const vector = meanDirection(chosen.map((image) => image.vector));
    if (vector === undefined) {
      throw new BadUserInputError(`Product ${productId} has no stored vectors`, {
        ...where,
        reason: 'NO_VECTORS',
      });
    }
    return [example, vector];
  });
}

async function photoVectors(
  examples: ReadonlyArray<Example & { source: PhotoExample }>,
  context: QueryContext,
): Promise<Pairs<Example>> {
  if (examples.length === 0) return [];
  const images = examples.map((e) => e.source.image);
  try {
    const embeddings = await context.embedder.embedImages(images);
    return examples.map((example, i) => [example, embeddings[i]!.vector]);
  } catch (error) {
    throw await namePhoto(error, examples, context);
  }
}

/**
 * The embedder does not say which photo of a call failed: find it by embedding them one by one
 * (an error path only; the good ones come from the embedding cache), and name it.
 */
async function namePhoto(
  error: unknown,
  examples: ReadonlyArray<Example & { source: PhotoExample }>,
  context: QueryContext,
): Promise<unknown> {
  if (examples.length === 1) return withArgument(error, examples[0]!.argument);
  const each = await Promise.allSettled(
    examples.map((e) => context.embedder.embedImages([e.source.image])),
  );
  const failed = each.findIndex((result) => result.status === 'rejected');
  if (failed < 0) return error;
  return withArgument((each[failed] as PromiseRejectedResult).reason, examples[failed]!.argument);
}

async function textVectors(
  examples: ReadonlyArray<Example & { source: TextExample }>,
  context: QueryContext,
): Promise<Pairs<Example>> {
  if (examples.length === 0) return [];
  const vectors = await context.embedder.embedTexts(examples.map((e) => e.source.text));
  return examples.map((example, i) => [example, vectors[i]!]);
}
