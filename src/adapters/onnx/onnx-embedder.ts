/**
 * Embedder adapter for OpenCLIP models exported to ONNX in Immich's folder layout (and the toy
 * model the tests generate in the same layout). One ORT session per tower, shared by all
 * calls; each embedImages / embedTexts call is one batched session.run.
 */
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { Logger } from 'pino';
import { EmbeddingFailedError, isAppError } from '../../errors';
import type { Embedder, ImageEmbedding } from '../../ports/embedder.port';
import { preprocessImage } from './clip-preprocess';
import { ClipTokenizer } from './clip-tokenizer';
import type { ModelConfig } from './model-config';
import { loadModelConfig, MODEL_FILES } from './model-config';
import { OnnxTower } from './onnx-tower';

/** Photos decoded at once: libuv's default thread pool size, which is where sharp runs. */
const PREPROCESS_CONCURRENCY = 4;

export interface OnnxEmbedderOptions {
  /** Folder with config.json, visual/ and textual/ (Immich / OpenCLIP export layout). */
  readonly modelDir: string;
  /** Id that indexes are bound to; defaults to the folder's name. */
  readonly modelId?: string;
  /** Photos with more pixels (width x height) are refused with PayloadTooLargeError. */
  readonly maxInputPixels: number;
  /** ORT threads inside one operator; ORT's default (all cores) when undefined. */
  readonly intraOpNumThreads?: number;
  /** ORT threads across operators; ORT's default when undefined. */
  readonly interOpNumThreads?: number;
  readonly logger?: Logger;
}

function checkOptions(options: OnnxEmbedderOptions): void {
  const { maxInputPixels, intraOpNumThreads, interOpNumThreads } = options;
  if (!Number.isInteger(maxInputPixels) || maxInputPixels <= 0) {
    throw new TypeError(
      `OnnxEmbedder: maxInputPixels must be a positive integer, got ${maxInputPixels}`,
    );
  }
  for (const [name, value] of Object.entries({ intraOpNumThreads, interOpNumThreads })) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new TypeError(`OnnxEmbedder: ${name} must be a non-negative integer, got ${value}`);
    }
  }
}

function sessionOptions(options: OnnxEmbedderOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    // ORT writes warnings straight to stderr; we log through pino instead.
    logSeverityLevel: 3,
    ...(options.intraOpNumThreads !== undefined && {
      intraOpNumThreads: options.intraOpNumThreads,
    }),
    ...(options.interOpNumThreads !== undefined && {
      interOpNumThreads: options.interOpNumThreads,
    }),
  };
}

export class OnnxEmbedder implements Embedder {
  private closed = false;

  private constructor(
    readonly modelId: string,
    readonly config: ModelConfig,
    private readonly maxInputPixels: number,
    private readonly visual: OnnxTower,
    private readonly textual: OnnxTower,
    private readonly tokenizer: ClipTokenizer,
  ) {}

  get dims(): number {
    return this.config.embedDim;
  }

  /** Reads and validates the model folder and opens both sessions. Fails with ModelUnavailableError. */
  static async load(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
    checkOptions(options);
    const { modelDir, logger } = options;
    const config = await loadModelConfig(modelDir);
    const tokenizer = await ClipTokenizer.fromFile(
      path.join(modelDir, MODEL_FILES.tokenizer),
      config,
    );
    const size = config.preprocess.size;
    const opts = sessionOptions(options);
    const visual = await OnnxTower.create(
      {
        file: path.join(modelDir, MODEL_FILES.visualModel),
        rowShape: [3, size, size],
        inputTypes: ['float32'],
        embedDim: config.embedDim,
      },
      opts,
    );
    let textual: OnnxTower;
    try {
      textual = await OnnxTower.create(
        {
          file: path.join(modelDir, MODEL_FILES.textualModel),
          rowShape: [config.contextLength],
          inputTypes: ['int32', 'int64'],
          embedDim: config.embedDim,
        },
        opts,
      );
    } catch (error) {
      await visual.release();
      throw error;
    }
    const modelId = options.modelId ?? path.basename(path.resolve(modelDir));
    logger?.info(
      {
        modelId,
        dims: config.embedDim,
        visual: visual.info,
        textual: textual.info,
        preprocess: config.preprocess,
      },
      'CLIP model loaded',
    );
    return new OnnxEmbedder(modelId, config, options.maxInputPixels, visual, textual, tokenizer);
  }

  private assertOpen(): void {
    if (this.closed)
      throw new EmbeddingFailedError('embedder is closed', { modelId: this.modelId });
  }

  /**
   * Decodes and preprocesses every photo concurrently (sharp works off the event loop), then
   * runs one batch. The first failing photo in input order decides the error.
   */
  async embedImages(images: readonly Uint8Array[]): Promise<ImageEmbedding[]> {
    this.assertOpen();
    if (images.length === 0) return [];
    const { size } = this.config.preprocess;
    const settled = await settleWithConcurrency(images, PREPROCESS_CONCURRENCY, (bytes) =>
      preprocessImage(bytes, this.config.preprocess, this.maxInputPixels),
    );
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed !== undefined) throw toAppError(failed.reason);
    const done = settled.map(
      (s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof preprocessImage>>>).value,
    );
    const rowSize = 3 * size * size;
    const batch = new Float32Array(done.length * rowSize);
    done.forEach((image, i) => batch.set(image.tensor, i * rowSize));
    const vectors = await this.visual.run(batch, done.length);
    return done.map((image, i) => ({
      vector: vectors[i] as Float32Array,
      width: image.width,
      height: image.height,
      format: image.format,
    }));
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    this.assertOpen();
    if (texts.length === 0) return [];
    let ids: Int32Array;
    try {
      ids = this.tokenizer.encodeBatch(texts);
    } catch (cause) {
      throw new EmbeddingFailedError('tokenization failed', {}, { cause });
    }
    return this.textual.run(ids, texts.length);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.visual.release(), this.textual.release()]);
  }
}

/**
 * Like Promise.allSettled over `items.map(fn)`, with at most `limit` in flight: a decoded
 * full-size photo can take tens of MB, so a large batch must not decode all at once.
 */
async function settleWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i] as T) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Keeps our typed errors; anything else from the pipeline is an embedding failure. */
function toAppError(reason: unknown): Error {
  if (isAppError(reason)) return reason;
  return new EmbeddingFailedError('image preprocessing failed', {}, { cause: reason });
}
