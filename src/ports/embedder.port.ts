/** What embedding one photo yields. */
export interface ImageEmbedding {
  /** L2-normalised, length `dims`. */
  readonly vector: Float32Array;
  /** Size of the decoded photo, before preprocessing. */
  readonly width: number;
  readonly height: number;
  /** Decoded format as sharp names it (jpeg, png, webp, ...). */
  readonly format: string;
}

/**
 * A CLIP-style model: an image tower and a text tower that map into one vector space.
 *
 * Invariants every adapter keeps:
 * - Every vector is L2-normalised (a zero vector stays zero) and has exactly `dims` floats.
 * - Results come back in the order of the inputs, one per input.
 * - Bytes that are not an image of a supported format throw UnsupportedMediaTypeError; an
 *   image of a supported format whose data is truncated or corrupt throws BadUserInputError
 *   with details.reason = 'IMAGE_CORRUPT'; images over the configured pixel limit throw
 *   PayloadTooLargeError; model failures throw EmbeddingFailedError. Nothing else escapes.
 */
export interface Embedder {
  /** Stable model id, e.g. `ViT-B-32__laion2b-s34b-b79k`; indexes are bound to it. */
  readonly modelId: string;
  readonly dims: number;
  embedImages(images: readonly Uint8Array[]): Promise<ImageEmbedding[]>;
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
  /** Resolves while the model can serve; throws ModelUnavailableError when it cannot. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
