/**
 * ONNX Runtime on its own thread. onnxruntime-node's `session.run` executes synchronously on
 * the calling thread (its promise only defers the start with setImmediate), so a ViT-B/32 batch
 * would stall the event loop for the whole run. Every session of one embedder lives in one
 * worker thread instead (still one copy of the model per process); tensors travel as
 * transferred ArrayBuffers, so nothing big is copied.
 *
 * The worker runs a short plain-JavaScript program (`eval`), so the same code works under tsx,
 * ts-jest and compiled output without a TypeScript loader in the worker.
 */
import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = new Map();
let nextHandle = 1;
const metadata = (list) => list.map((m) => ({
  name: m.name, isTensor: m.isTensor, type: m.type, shape: m.shape ? Array.from(m.shape) : [],
}));
async function handle(msg) {
  switch (msg.op) {
    case 'load': {
      const session = await ort.InferenceSession.create(msg.file, msg.options);
      const handle = nextHandle++;
      sessions.set(handle, session);
      return { handle, inputMetadata: metadata(session.inputMetadata),
        outputMetadata: metadata(session.outputMetadata) };
    }
    case 'run': {
      const session = sessions.get(msg.handle);
      if (session === undefined) throw new Error('session is released');
      const feeds = { [msg.inputName]: new ort.Tensor(msg.type, msg.data, msg.dims) };
      const result = await session.run(feeds, [msg.outputName]);
      const out = result[msg.outputName];
      if (out === undefined) throw new Error('missing output ' + msg.outputName);
      const data = out.data.slice(); // our own buffer, so it can be transferred
      return { value: { type: out.type, dims: Array.from(out.dims), data }, transfer: [data.buffer] };
    }
    case 'release': {
      const session = sessions.get(msg.handle);
      sessions.delete(msg.handle);
      if (session !== undefined) await session.release();
      return null;
    }
    default:
      throw new Error('unknown op ' + msg.op);
  }
}
parentPort.on('message', (msg) => {
  handle(msg).then(
    (reply) => {
      if (reply !== null && reply.transfer !== undefined) {
        parentPort.postMessage({ id: msg.id, value: reply.value }, reply.transfer);
      } else {
        parentPort.postMessage({ id: msg.id, value: reply });
      }
    },
    (error) => parentPort.postMessage({
      id: msg.id, error: { name: (error && error.name) || 'Error', message: String((error && error.message) || error) },
    }),
  );
});
`;

export type InputTensor = {
  readonly type: 'float32' | 'int32' | 'int64';
  readonly data: Float32Array | Int32Array | BigInt64Array;
  readonly dims: readonly number[];
};

export interface OutputTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** A session living in the worker; what OnnxTower needs of it. */
export interface WorkerSession {
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  run(inputName: string, input: InputTensor, outputName: string): Promise<OutputTensor>;
  release(): Promise<void>;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** A buffer that may be transferred: exactly the view's bytes, not shared, not pooled. */
function ownBuffer<T extends Float32Array | Int32Array | BigInt64Array>(data: T): T {
  const whole =
    data.byteOffset === 0 &&
    data.byteLength === data.buffer.byteLength &&
    data.buffer instanceof ArrayBuffer;
  return whole ? data : (data.slice() as T);
}

export class OrtWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped: Error | undefined;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ortPath: require.resolve('onnxruntime-node') },
    });
    // Only keep the process alive while a request is waiting for an answer.
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; value?: unknown; error?: Error }) =>
      this.settle(msg),
    );
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`ONNX Runtime worker exited (${code})`)));
  }

  async load(file: string, options: ort.InferenceSession.SessionOptions): Promise<WorkerSession> {
    const reply = (await this.request({ op: 'load', file, options })) as {
      handle: number;
      inputMetadata: ort.InferenceSession.ValueMetadata[];
      outputMetadata: ort.InferenceSession.ValueMetadata[];
    };
    const { handle } = reply;
    return {
      inputMetadata: reply.inputMetadata,
      outputMetadata: reply.outputMetadata,
      run: async (inputName, input, outputName) => {
        const data = ownBuffer(input.data);
        const message = { op: 'run', handle, inputName, outputName, ...input, data };
        return (await this.request(message, [data.buffer as ArrayBuffer])) as OutputTensor;
      },
      release: async () => {
        await this.request({ op: 'release', handle });
      },
    };
  }

  /** Why the thread stopped (exit, crash or terminate), or undefined while it runs. */
  get failure(): Error | undefined {
    return this.stopped;
  }

  /** Stops the thread; pending requests fail. */
  async terminate(): Promise<void> {
    this.fail(new Error('ONNX Runtime worker terminated'));
    await this.worker.terminate();
  }

  private request(message: object, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.stopped !== undefined) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  private settle(msg: { id: number; value?: unknown; error?: { name: string; message: string } }) {
    const entry = this.pending.get(msg.id);
    if (entry === undefined) return;
    this.pending.delete(msg.id);
    if (this.pending.size === 0) this.worker.unref();
    if (msg.error === undefined) entry.resolve(msg.value);
    else entry.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name }));
  }

  private fail(error: Error): void {
    this.stopped ??= error;
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
    this.worker.unref();
  }
}
