/**
 * Embedder adapter for OpenCLIP models exported to ONNX in Immich's folder layout (and the toy
 * model the tests generate in the same layout). One ORT session per tower, shared by all
 * calls.
 *
 * Work comes in two stages so a micro-batcher (src/embedding/batching-embedder.ts) can batch
 * only the model: `prepareImage` / `prepareText` turn one input into a model row (or that
 * input's own typed error), `inferImages` / `inferTexts` run prepared rows as one batch.
 * `embedImages` / `embedTexts` chain both for callers that do not batch.
 *
 * The sessions run in a worker thread (ort-session-client.ts): onnxruntime-node runs a session
 * synchronously on the calling thread, which would stall the event loop for a whole batch.
 */
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { Logger } from 'pino';
import { EmbeddingFailedError, isAppError, ModelUnavailableError } from '../../errors/app-error';
import type { Embedder, ImageEmbedding } from '../../ports/embedder.port';
import type { DecodedImage } from './clip-decode';
import { preprocessPixels } from './clip-preprocess';
import { refuseFromBytes } from './clip-decode';
import { ClipTokenizer } from './clip-tokenizer';
import { ConcurrencyLimiter } from '../../lib/concurrency-limiter';
import type { ModelConfig } from './model-config';
import { loadModelConfig, MODEL_FILES } from './model-config';
import { OnnxTower } from './onnx-tower';
import { OrtSessionClient } from './ort-session-client';
import { PreprocessPool } from './clip-preprocess-pool';

/** A photo ready for the model: size x size packed 8-bit RGB, and what it was decoded from. */
export type PreparedPhoto = DecodedImage;

/**
 * Photos preprocessed at once, across all callers: libuv's default thread pool size, which is
 * where sharp runs. More would only hold more decoded full-size photos in memory.
 */
const PREPROCESS_CONCURRENCY = 4;

export interface OnnxEmbedderOptions {
  /** Folder with config.json, visual/ and textual/ (Immich / OpenCLIP export layout). */
  readonly modelDir: string;
  /** Id that indexes are bound to; defaults to the folder's name. */
  readonly modelId?: string;
  /** Photos with more pixels (width x height) are refused with PayloadTooLargeError. */
  readonly maxInputPixels: number;
  /** ORT threads inside one operator (config: every core, as batches run one at a time). */
  readonly intraOpNumThreads: number;
  /** ORT threads across operators (config: 1, as the session runs operators in sequence). */
  readonly interOpNumThreads: number;
  /**
   * Let ORT's worker threads spin while waiting for work. Off leaves the cores to sharp's
   * decoding between runs, which matters when cores are few.
   */
  readonly allowSpinning: boolean;
  /**
   * Threads that decode and resize photos (clip-preprocess-pool.ts), started with the first
   * photo. 0 runs that work on the event loop. Default 0 here; the service's config sets it.
   */
  readonly preprocessThreads?: number;
  readonly logger?: Logger;
}

function checkOptions(options: OnnxEmbedderOptions): void {
  const { maxInputPixels, intraOpNumThreads, interOpNumThreads } = options;
  const preprocessThreads = options.preprocessThreads ?? 0;
  if (!Number.isInteger(maxInputPixels) || maxInputPixels <= 0) {
    throw new TypeError(
      `OnnxEmbedder: maxInputPixels must be a positive integer, got ${maxInputPixels}`,
    );
  }
  const counts = { intraOpNumThreads, interOpNumThreads, preprocessThreads };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new TypeError(`OnnxEmbedder: ${name} must be a non-negative integer, got ${value}`);
    }
  }
}

/** The session options of both towers (exported for the benchmarks' raw ONNX Runtime runs). */
export function sessionOptions(
  options: Pick<OnnxEmbedderOptions, 'intraOpNumThreads' | 'interOpNumThreads' | 'allowSpinning'>,
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    // The arena keeps the peak of every batch size it has seen: with it, RSS went from 880 to
    // 1182 MiB after one batch of 32 per tower (ViT-B/32); without it, to 1005 MiB, at the
    // same images/s (bench/README.md, "Inference").
    enableCpuMemArena: false,
    executionMode: 'sequential',
    // ORT writes warnings straight to stderr; we log through pino instead.
    logSeverityLevel: 3,
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: options.interOpNumThreads,
    // Flattened by onnxruntime-node into the session config key session.intra_op.allow_spinning.
    extra: {
      session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } },
    },
  };
}

export class OnnxEmbedder implements Embedder {
  private closed = false;
  private readonly preprocessSlots = new ConcurrencyLimiter(PREPROCESS_CONCURRENCY);
  /** The preprocessing threads, once the first photo started them. */
  private pool: Promise<PreprocessPool> | undefined;
  private poolNow: PreprocessPool | undefined;

  private constructor(
    readonly modelId: string,
    readonly config: ModelConfig,
    private readonly maxInputPixels: number,
    private readonly visual: OnnxTower,
    private readonly textual: OnnxTower,
    private readonly tokenizer: ClipTokenizer,
    private readonly worker: OrtSessionClient,
    private readonly preprocessThreads: number,
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
    const worker = await OrtSessionClient.start();
    let towers: { visual: OnnxTower; textual: OnnxTower };
    try {
      towers = await openTowers(modelDir, config, sessionOptions(options), worker);
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    const { visual, textual } = towers;
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
    return new OnnxEmbedder(
      modelId,
      config,
      options.maxInputPixels,
      visual,
      textual,
      tokenizer,
      worker,
      options.preprocessThreads ?? 0,
    );
  }

  private assertOpen(): void {
    if (this.closed) throw closedError(this.modelId);
  }

  /**
   * Decodes, resizes and crops one photo to 8-bit RGB, on the preprocessing threads (or the
   * event loop with none); the normalisation to float happens with the model run, on its
   * thread. Throws the photo's own typed error (see the Embedder port).
   */
  async prepareImage(bytes: Uint8Array): Promise<PreparedPhoto> {
    this.assertOpen();
    try {
      refuseFromBytes(bytes, this.maxInputPixels);
      return await this.preprocessSlots.run(async () => {
        if (this.preprocessThreads === 0) {
          return preprocessPixels(bytes, this.config.preprocess, this.maxInputPixels);
        }
        return (await this.startedPool()).preprocess(bytes);
      });
    } catch (error) {
      throw toAppError(error);
    }
  }

  /** The pool, started on first use; a failed start is retried by the next photo. */
  private startedPool(): Promise<PreprocessPool> {
    if (this.pool === undefined) {
      const starting = PreprocessPool.start(this.preprocessThreads, {
        config: this.config.preprocess,
        maxInputPixels: this.maxInputPixels,
      });
      this.pool = starting;
      starting
        .then((pool) => (this.poolNow = pool))
        .catch(() => {
          if (this.pool === starting) this.pool = undefined;
        });
    }
    return this.pool;
  }

  /** One batched run over prepared photos; results in input order. */
  async inferImages(images: readonly PreparedPhoto[]): Promise<ImageEmbedding[]> {
    this.assertOpen();
    if (images.length === 0) return [];
    const { size } = this.config.preprocess;
    const rowSize = 3 * size * size;
    const batch = new Uint8Array(images.length * rowSize);
    images.forEach((image, i) => batch.set(image.rgb, i * rowSize));
    const vectors = await this.visual.run(batch, images.length);
    return images.map((image, i) => ({
      vector: vectors[i] as Float32Array,
      width: image.width,
      height: image.height,
      format: image.format,
    }));
  }

  /** Tokenises one text into `contextLength` ids. */
  async prepareText(text: string): Promise<Int32Array> {
    this.assertOpen();
    try {
      return this.tokenizer.encodeBatch([text]);
    } catch (cause) {
      throw new EmbeddingFailedError('tokenization failed', {}, { cause });
    }
  }

  /** One batched run over tokenised texts; results in input order. */
  async inferTexts(rows: readonly Int32Array[]): Promise<Float32Array[]> {
    this.assertOpen();
    if (rows.length === 0) return [];
    const width = this.tokenizer.contextLength;
    const ids = new Int32Array(rows.length * width);
    rows.forEach((row, i) => ids.set(row, i * width));
    return this.textual.run(ids, rows.length);
  }

  /**
   * Preprocesses every photo (at most PREPROCESS_CONCURRENCY at once), then runs one batch.
   * The first failing photo in input order decides the error.
   */
  async embedImages(images: readonly Uint8Array[]): Promise<ImageEmbedding[]> {
    this.assertOpen();
    if (images.length === 0) return [];
    const settled = await Promise.allSettled(images.map((bytes) => this.prepareImage(bytes)));
    return this.inferImages(fulfilledOrThrow(settled));
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    this.assertOpen();
    if (texts.length === 0) return [];
    const rows = await Promise.all(texts.map((text) => this.prepareText(text)));
    return this.inferTexts(rows);
  }

  /** Cheap: no inference, only whether the sessions' thread is still there. */
  ping(): Promise<void> {
    if (this.closed) return Promise.reject(closedError(this.modelId));
    const failure = this.worker.failure ?? this.startedPoolFailure();
    if (failure === undefined) return Promise.resolve();
    return Promise.reject(
      new ModelUnavailableError(`model ${this.modelId} cannot serve: ${failure.message}`, {
        modelId: this.modelId,
        reason: 'WORKER_EXITED',
      }),
    );
  }

  /** Why a preprocessing thread stopped, if the pool has started and one has. */
  private startedPoolFailure(): Error | undefined {
    return this.poolNow?.failure;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pool = this.pool;
    await Promise.allSettled([this.visual.release(), this.textual.release()]);
    await this.worker.terminate();
    if (pool !== undefined) await pool.then((p) => p.terminate()).catch(() => undefined);
  }
}

/** What every call, ping included, rejects with once close() was called. */
function closedError(modelId: string): ModelUnavailableError {
  return new ModelUnavailableError('embedder is closed', { modelId, reason: 'CLOSED' });
}

/** Opens both towers' sessions in `worker`; releases the first if the second fails. */
async function openTowers(
  modelDir: string,
  config: ModelConfig,
  options: ort.InferenceSession.SessionOptions,
  worker: OrtSessionClient,
): Promise<{ visual: OnnxTower; textual: OnnxTower }> {
  const size = config.preprocess.size;
  const visual = await OnnxTower.create(
    {
      file: path.join(modelDir, MODEL_FILES.visualModel),
      rowShape: [3, size, size],
      inputTypes: ['float32'],
      embedDim: config.embedDim,
      normalisation: { mean: config.preprocess.mean, std: config.preprocess.std },
    },
    options,
    worker,
  );
  try {
    const textual = await OnnxTower.create(
      {
        file: path.join(modelDir, MODEL_FILES.textualModel),
        rowShape: [config.contextLength],
        inputTypes: ['int32', 'int64'],
        embedDim: config.embedDim,
      },
      options,
      worker,
    );
    return { visual, textual };
  } catch (error) {
    await visual.release();
    throw error;
  }
}

/** The values when all fulfilled, else the first rejection in input order. */
function fulfilledOrThrow<T>(settled: readonly PromiseSettledResult<T>[]): T[] {
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** Keeps our typed errors; anything else from the pipeline is an embedding failure. */
function toAppError(reason: unknown): Error {
  if (isAppError(reason)) return reason;
  return new EmbeddingFailedError('image preprocessing failed', {}, { cause: reason });
}
