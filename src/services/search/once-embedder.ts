import type { Embedder, ImageEmbedding } from '../../ports/embedder.port';

/**
 * An Embedder for one search: the same texts or photos (by identity) are embedded once, however
 * many times the fused reader re-reads its lists. Not a cache across searches (the embedding
 * decorators own that), so it holds nothing after the search.
 */
export function onceEmbedder(embedder: Embedder): Embedder {
  const texts: Array<[readonly string[], Promise<Float32Array[]>]> = [];
  const images: Array<[readonly Uint8Array[], Promise<ImageEmbedding[]>]> = [];
  return {
    modelId: embedder.modelId,
    dims: embedder.dims,
    embedTexts: (input) => remember(texts, input, () => embedder.embedTexts(input)),
    embedImages: (input) => remember(images, input, () => embedder.embedImages(input)),
    ping: () => embedder.ping(),
    close: () => embedder.close(),
  };
}

function remember<I, O>(
  seen: Array<[readonly I[], Promise<O>]>,
  input: readonly I[],
  call: () => Promise<O>,
): Promise<O> {
  const hit = seen.find(
    ([key]) => key.length === input.length && key.every((value, i) => value === input[i]),
  );
  if (hit !== undefined) return hit[1];
  const result = call();
  seen.push([[...input], result]);
  return result;
}
