/**
 * The baseline: an onnxruntime-node session fed tensors built before the clock starts, so it
 * measures nothing but session.run, in the calling thread, with ONNX Runtime's defaults (CPU
 * provider, all graph optimisations, memory arena and thread spinning on) and the threads the
 * bench is given. The gap to our path is everything we add: decoding, the worker thread, the
 * batcher, and our own session choices (arena and spinning off, see onnx-embedder.ts).
 */
import * as ort from 'onnxruntime-node';
import { preprocessImage } from '../../src/adapters/onnx/clip-preprocess';
import type { ClipTokenizer } from '../../src/adapters/onnx/clip-tokenizer';
import type { ModelConfig } from '../../src/adapters/onnx/model-config';
import type { BenchCall } from './measure';
import type { Threads } from './ort-threads';

export async function openSession(file: string, threads: Threads): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(threads.intraOpNumThreads !== undefined && {
      intraOpNumThreads: threads.intraOpNumThreads,
    }),
    ...(threads.interOpNumThreads !== undefined && {
      interOpNumThreads: threads.interOpNumThreads,
    }),
  });
}

/** Distinct batches per size, so the runs do not all see the very same input. */
const BATCHES_PER_SIZE = 3;

/** Preprocesses photos once into CHW rows (our own preprocessing, outside the timed loop). */
export async function preprocessRows(
  photos: readonly Uint8Array[],
  config: ModelConfig,
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  for (const bytes of photos)
    rows.push((await preprocessImage(bytes, config.preprocess, Number.MAX_SAFE_INTEGER)).tensor);
  return rows;
}

function packBatches<T extends Float32Array | Int32Array>(
  rows: readonly T[],
  batch: number,
  make: (length: number) => T,
): T[] {
  const rowSize = rows[0]?.length ?? 0;
  return Array.from({ length: BATCHES_PER_SIZE }, (_, b) => {
    const data = make(batch * rowSize);
    for (let i = 0; i < batch; i++) data.set(rows[(b * batch + i) % rows.length] as T, i * rowSize);
    return data;
  });
}

/** One call = one session.run over a prebuilt [batch, 3, S, S] tensor. */
export function rawImageCall(
  session: ort.InferenceSession,
  rows: readonly Float32Array[],
  batch: number,
): BenchCall {
  const size = Math.round(Math.sqrt((rows[0]?.length ?? 0) / 3));
  const name = session.inputNames[0] as string;
  const tensors = packBatches(rows, batch, (n) => new Float32Array(n)).map(
    (data) => new ort.Tensor('float32', data, [batch, 3, size, size]),
  );
  return async (seq) => {
    await session.run({ [name]: tensors[seq % tensors.length] as ort.Tensor });
    return batch;
  };
}

/** One call = one session.run over prebuilt [batch, context] int32 ids. */
export function rawTextCall(
  session: ort.InferenceSession,
  tokenizer: ClipTokenizer,
  queries: readonly string[],
  batch: number,
): BenchCall {
  const name = session.inputNames[0] as string;
  const rows = queries.map((q) => tokenizer.encode(q));
  const tensors = packBatches(rows, batch, (n) => new Int32Array(n)).map(
    (data) => new ort.Tensor('int32', data, [batch, tokenizer.contextLength]),
  );
  return async (seq) => {
    await session.run({ [name]: tensors[seq % tensors.length] as ort.Tensor });
    return batch;
  };
}
