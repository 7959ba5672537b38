import { BadUserInputError } from '../../errors/app-error';
import type { PhotoFetcher } from '../../ports/photo-fetcher.port';
import type { ExampleInput } from './examples.schema';
import type { Example } from './query-kinds/examples.query';
import type { QueryPart } from './query-kinds/query-kinds.registry';
import { withArgument } from './request-rules';

/** A validated request's query inputs; photos given by URL are not fetched yet. */
export interface QueryInputs {
  readonly image?: Uint8Array;
  readonly imageUrl?: string;
  readonly text?: string;
  readonly positive: readonly ExampleInput[];
  readonly negative: readonly ExampleInput[];
}

/**
 * The request's query parts, in the order their lists are fused: image (uploaded or by URL),
 * examples, text. Photos given by URL are fetched first, all at once, through the same fetcher
 * as the catalog's photos (same address rules, size cap and codes); a failure names its argument
 * (`imageUrl`, `recommend.positive.0`). A fetched photo is then exactly like an upload.
 */
export async function queryParts(
  inputs: QueryInputs,
  fetcher: PhotoFetcher | undefined,
): Promise<QueryPart[]> {
  // The first failure fails the search: stop the other fetches rather than finish them for nothing.
  const abandon = new AbortController();
  const fetchPhoto = (url: string, argument: string): Promise<Uint8Array> => {
    if (fetcher === undefined) {
      return Promise.reject(
        new BadUserInputError('This server does not fetch photos by URL', {
          argument,
          reason: 'URL_INPUT_UNSUPPORTED',
        }),
      );
    }
    return fetcher.fetchPhoto(url, abandon.signal).then(
      (photo) => photo.bytes,
      (error: unknown) => {
        abandon.abort(error);
        return Promise.reject(withArgument(error, argument));
      },
    );
  };
  const examples = (list: readonly ExampleInput[]) =>
    Promise.all(
      list.map(async ({ source, weight, argument }): Promise<Example> => {
        if (source.kind !== 'url') return { source, weight, argument };
        return {
          source: { kind: 'photo', image: await fetchPhoto(source.url, argument) },
          weight,
          argument,
        };
      }),
    );
  const [image, positive, negative] = await Promise.all([
    inputs.imageUrl === undefined ? inputs.image : fetchPhoto(inputs.imageUrl, 'imageUrl'),
    examples(inputs.positive),
    examples(inputs.negative),
  ]);
  const parts: QueryPart[] = [];
  if (image !== undefined) parts.push({ kind: 'image', image });
  if (positive.length > 0) parts.push({ kind: 'examples', positive, negative });
  if (inputs.text !== undefined) parts.push({ kind: 'text', text: inputs.text });
  return parts;
}
