/**
 * The peer a Node developer would pick: @huggingface/transformers (transformers.js) running the
 * same ONNX graphs (the generator's transformers-js/ folder), configured strictly offline. Each
 * call is what its docs show: RawImage from the upload, the CLIP processor, the model, then
 * L2 normalisation (ours returns unit vectors too).
 */
import path from 'node:path';
import type * as Transformers from '@huggingface/transformers';
import sharp from 'sharp';
import { l2NormalizeInPlace } from './measure';

export interface TransformersJsClip {
  embedImages(images: readonly Uint8Array[]): Promise<Float32Array[]>;
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface TransformersJsOptions {
  /** Folder in transformers.js' layout (config.json, onnx/vision_model.onnx, ...). */
  readonly dir: string;
  readonly intraOpNumThreads?: number | undefined;
  readonly interOpNumThreads?: number | undefined;
  readonly contextLength: number;
}

function rows(tensor: Transformers.Tensor): Float32Array[] {
  const [n = 0, d = 0] = tensor.dims;
  const data = tensor.data as Float32Array;
  return Array.from({ length: n }, (_, i) => l2NormalizeInPlace(data.slice(i * d, (i + 1) * d)));
}

type TransformersModule = typeof Transformers;

/**
 * RawImage.fromBlob, as its docs show. It throws on grey+alpha PNGs (sharp hands it 4 channels,
 * it then tries to convert to the 2 the metadata announced); for those, do what a developer
 * would after hitting that error: decode to RGB with sharp first.
 */
async function readImage(
  tf: TransformersModule,
  bytes: Uint8Array,
): Promise<Transformers.RawImage> {
  try {
    return await tf.RawImage.fromBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  } catch {
    const { data, info } = await sharp(bytes)
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({
        resolveWithObject: true,
      });
    return new tf.RawImage(new Uint8ClampedArray(data), info.width, info.height, 3);
  }
}

export async function loadTransformersJs(
  options: TransformersJsOptions,
): Promise<TransformersJsClip> {
  // Loaded lazily: it is ESM-first and heavy, and only this part of the bench needs it.
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = path.dirname(path.resolve(options.dir));
  tf.env.useFSCache = false;
  const id = path.basename(options.dir);
  const session_options = {
    ...(options.intraOpNumThreads !== undefined && {
      intraOpNumThreads: options.intraOpNumThreads,
    }),
    ...(options.interOpNumThreads !== undefined && {
      interOpNumThreads: options.interOpNumThreads,
    }),
  };
  const modelOptions = { dtype: 'fp32' as const, device: 'cpu' as const, session_options };
  const processor = await tf.AutoProcessor.from_pretrained(id);
  const tokenizer = await tf.AutoTokenizer.from_pretrained(id);
  const vision = await tf.CLIPVisionModelWithProjection.from_pretrained(id, modelOptions);
  const text = await tf.CLIPTextModelWithProjection.from_pretrained(id, modelOptions);
  return {
    async embedImages(images) {
      const decoded = await Promise.all(images.map((bytes) => readImage(tf, bytes)));
      const inputs = (await processor(decoded)) as Record<string, Transformers.Tensor>;
      const output = (await vision(inputs)) as { image_embeds: Transformers.Tensor };
      return rows(output.image_embeds);
    },
    async embedTexts(texts) {
      const inputs = tokenizer([...texts], {
        padding: 'max_length',
        max_length: options.contextLength,
        truncation: true,
      }) as Record<string, Transformers.Tensor>;
      const output = (await text(inputs)) as { text_embeds: Transformers.Tensor };
      return rows(output.text_embeds);
    },
    async dispose() {
      await Promise.all([vision.dispose(), text.dispose()]);
    },
  };
}
