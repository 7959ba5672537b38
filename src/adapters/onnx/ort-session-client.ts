/**
 * ONNX Runtime on its own thread. onnxruntime-node's `session.run` executes synchronously on
 * the calling thread (its promise only defers the start with setImmediate), so a ViT-B/32 batch
 * would stall the event loop for the whole run. Every session of one embedder lives in one
 * worker thread instead (ort-session.worker.ts; still one copy of the model per process);
 * tensors travel as transferred ArrayBuffers, so nothing big is copied.
 */
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { ModelUnavailableError } from '../../errors/app-error';
import type { StopReason } from '../../lib/worker-rpc';
import { WorkerClient } from '../../lib/worker-rpc';
import type { InputTensor, OrtSessionApi, OutputTensor } from './ort-session.worker';

export type { InputTensor } from './ort-session.worker';

/** A session living in the worker; what OnnxTower needs of it. */
export interface WorkerSession {
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  run(inputName: string, input: InputTensor, outputName: string): Promise<OutputTensor>;
  release(): Promise<void>;
}

/** A buffer that may be transferred: exactly the view's bytes, not shared, not pooled. */
function ownBuffer<T extends Float32Array | Int32Array | BigInt64Array | Uint8Array>(data: T): T {
  const whole =
    data.byteOffset === 0 &&
    data.byteLength === data.buffer.byteLength &&
    data.buffer instanceof ArrayBuffer;
  return whole ? data : (data.slice() as T);
}

/** The cause OnnxTower wraps: EMBEDDING_FAILED for a run, MODEL_UNAVAILABLE for a load. */
function stoppedError(reason: StopReason, cause: unknown): ModelUnavailableError {
  const message =
    reason === 'CLOSED' ? 'ONNX Runtime worker terminated' : 'ONNX Runtime worker exited';
  return new ModelUnavailableError(message, { reason }, { cause });
}

export class OrtSessionClient {
  private constructor(private readonly rpc: WorkerClient<OrtSessionApi>) {}

  /** Starts the thread; resolves once it is ready to load sessions. */
  static async start(): Promise<OrtSessionClient> {
    const rpc = await WorkerClient.start<OrtSessionApi, null>({
      modulePath: path.join(__dirname, 'ort-session.worker'),
      data: null,
      stoppedError,
    });
    return new OrtSessionClient(rpc);
  }

  async load(file: string, options: ort.InferenceSession.SessionOptions): Promise<WorkerSession> {
    const { handle, inputMetadata, outputMetadata } = await this.rpc.call('load', [file, options]);
    return {
      inputMetadata,
      outputMetadata,
      run: (inputName, input, outputName) => {
        const data = ownBuffer(input.data);
        const args = [handle, inputName, { ...input, data } as InputTensor, outputName] as const;
        return this.rpc.call('run', args, [data.buffer as ArrayBuffer]);
      },
      release: () => this.rpc.call('release', [handle]),
    };
  }

  /** Why the thread stopped (exit, crash or terminate), or undefined while it runs. */
  get failure(): Error | undefined {
    return this.rpc.failure;
  }

  /** Stops the thread; pending requests fail. */
  terminate(): Promise<void> {
    return this.rpc.terminate();
  }
}
