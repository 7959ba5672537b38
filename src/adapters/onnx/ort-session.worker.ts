/**
 * ONNX Runtime sessions on their own thread (see ort-session-client.ts for why). Holds every
 * session of one embedder by handle; tensors come and go as transferred buffers.
 */
import * as ort from 'onnxruntime-node';
import { serve, Transfer } from '../../lib/worker-rpc';
import { rgbToChw } from './clip-preprocess';

export type InputTensor =
  | {
      readonly type: 'float32' | 'int32' | 'int64';
      readonly data: Float32Array | Int32Array | BigInt64Array;
      readonly dims: readonly number[];
    }
  | {
      /**
       * Photos as packed 8-bit RGB rows (dims [rows, 3, size, size] of the float32 tensor the
       * model takes): normalised to CHW float32 here, on the ONNX Runtime thread, so the event
       * loop neither converts nor allocates the four-times-larger float batch.
       */
      readonly type: 'rgb8';
      readonly data: Uint8Array;
      readonly dims: readonly number[];
      readonly mean: readonly [number, number, number];
      readonly std: readonly [number, number, number];
    };

/** The tensor ONNX Runtime takes for an input. */
function ortTensor(input: InputTensor): ort.Tensor {
  if (input.type !== 'rgb8') return new ort.Tensor(input.type, input.data, input.dims);
  const [rows = 0, , size = 0] = input.dims;
  const row = 3 * size * size;
  const chw = new Float32Array(rows * row);
  const cfg = { mean: input.mean, std: input.std };
  for (let r = 0; r < rows; r++) {
    rgbToChw(input.data.subarray(r * row, (r + 1) * row), size, cfg, chw, r * row);
  }
  return new ort.Tensor('float32', chw, input.dims);
}

export interface OutputTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

interface LoadedSession {
  /** Names this session in later calls. */
  readonly handle: number;
  readonly inputMetadata: ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: ort.InferenceSession.ValueMetadata[];
}

/** The ONNX Runtime thread's API. */
export interface OrtSessionApi {
  load(file: string, options: ort.InferenceSession.SessionOptions): LoadedSession;
  /** Runs one input tensor, returns one output tensor (in a buffer of its own). */
  run(handle: number, inputName: string, input: InputTensor, outputName: string): OutputTensor;
  release(handle: number): void;
}

/** Plain data: the session's metadata objects are native wrappers that do not clone. */
function plainMetadata(
  list: readonly ort.InferenceSession.ValueMetadata[],
): ort.InferenceSession.ValueMetadata[] {
  return list.map((m) =>
    m.isTensor
      ? { name: m.name, isTensor: true, type: m.type, shape: Array.from(m.shape) }
      : { name: m.name, isTensor: false },
  );
}

serve<OrtSessionApi, null>(() => {
  const sessions = new Map<number, ort.InferenceSession>();
  let nextHandle = 1;
  const session = (handle: number): ort.InferenceSession => {
    const found = sessions.get(handle);
    if (found === undefined) throw new Error('session is released');
    return found;
  };
  return {
    load: async (file, options) => {
      const created = await ort.InferenceSession.create(file, options);
      const handle = nextHandle++;
      sessions.set(handle, created);
      return {
        handle,
        inputMetadata: plainMetadata(created.inputMetadata),
        outputMetadata: plainMetadata(created.outputMetadata),
      };
    },
    run: async (handle, inputName, input, outputName) => {
      const feeds = { [inputName]: ortTensor(input) };
      const result = await session(handle).run(feeds, [outputName]);
      const out = result[outputName];
      if (out === undefined) throw new Error(`missing output ${outputName}`);
      const dims = Array.from(out.dims);
      if (typeof out.data === 'object' && 'buffer' in out.data) {
        // Our own copy, so it can be transferred (ORT's may sit on memory it still owns).
        const data = out.data.slice();
        return new Transfer({ type: out.type, dims, data }, [data.buffer]);
      }
      return { type: out.type, dims, data: out.data };
    },
    release: async (handle) => {
      const released = sessions.get(handle);
      sessions.delete(handle);
      await released?.release();
    },
  };
});
