/**
 * One tower (visual or textual) of a CLIP model: an ORT session plus what its metadata says
 * about its input (name, element type, batch dimension). Input names and dtypes are read from
 * the session, not hard-coded, so the real Immich exports ("image" float32, "text" int32) and
 * other exports (int64 ids) load through the same code.
 */
import type * as ort from 'onnxruntime-node';
import { EmbeddingFailedError, ModelUnavailableError } from '../../errors/app-error';
import { l2Normalize } from '../../domain/vector';
import type { InputTensor, OrtSessionClient, WorkerSession } from './ort-session-client';

export interface TowerSpec {
  /** Path of the .onnx file, also used in error details. */
  readonly file: string;
  /** Input dims after the batch dim, e.g. [3, 224, 224] or [77]. */
  readonly rowShape: readonly number[];
  /** Element types this tower may take; the first one the session declares wins. */
  readonly inputTypes: readonly ('float32' | 'int32' | 'int64')[];
  readonly embedDim: number;
  /** The visual tower's preprocessing mean/std: lets it take 8-bit RGB rows. */
  readonly normalisation?: Normalisation;
}

interface Normalisation {
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

export interface TowerInfo {
  readonly inputName: string;
  readonly inputType: 'float32' | 'int32' | 'int64';
  readonly outputName: string;
  /** Immich exports have a fixed batch of 1 (no dynamic axes): then we run one row at a time. */
  readonly batchable: boolean;
}

function tensorMeta(
  meta: readonly ort.InferenceSession.ValueMetadata[],
  file: string,
  what: string,
) {
  const first = meta[0];
  if (meta.length !== 1 && what === 'input') {
    throw new ModelUnavailableError(`${file}: expected one input, found ${meta.length}`, { file });
  }
  if (first === undefined || !first.isTensor) {
    throw new ModelUnavailableError(`${file}: ${what} is not a tensor`, { file });
  }
  return first;
}

function mismatch(
  file: string,
  field: string,
  value: unknown,
  expected: unknown,
): ModelUnavailableError {
  return new ModelUnavailableError(
    `${file}: ${field} is ${JSON.stringify(value)}, expected ${JSON.stringify(expected)}`,
    {
      file,
      field,
      value,
      expected,
    },
  );
}

/** Checks the session's declared shapes against the model config; returns how to call it. */
function describeSession(
  session: Pick<ort.InferenceSession, 'inputMetadata' | 'outputMetadata'>,
  spec: TowerSpec,
): TowerInfo {
  const input = tensorMeta(session.inputMetadata, spec.file, 'input');
  const outputs = session.outputMetadata;
  const output =
    outputs.find((o) => o.name === 'embedding') ?? tensorMeta(outputs, spec.file, 'output');
  const inputType = spec.inputTypes.find((t) => t === input.type);
  if (inputType === undefined) throw mismatch(spec.file, 'input type', input.type, spec.inputTypes);
  const [batch, ...rest] = input.shape;
  if (rest.length !== spec.rowShape.length)
    throw mismatch(spec.file, 'input shape', input.shape, spec.rowShape);
  rest.forEach((dim, i) => {
    if (typeof dim === 'number' && dim > 0 && dim !== spec.rowShape[i]) {
      throw mismatch(spec.file, 'input shape', input.shape, ['batch', ...spec.rowShape]);
    }
  });
  if (typeof batch === 'number' && batch > 1)
    throw mismatch(spec.file, 'batch dim', batch, 'dynamic or 1');
  if (output.isTensor) {
    const last = output.shape[output.shape.length - 1];
    if (typeof last === 'number' && last > 0 && last !== spec.embedDim) {
      throw mismatch(spec.file, 'output dim', last, spec.embedDim);
    }
  }
  return { inputName: input.name, inputType, outputName: output.name, batchable: batch !== 1 };
}

export class OnnxTower {
  private constructor(
    private readonly session: WorkerSession,
    private readonly spec: TowerSpec,
    readonly info: TowerInfo,
  ) {}

  /** Opens the tower's session inside `worker` (see ort-session-client.ts for why not here). */
  static async create(
    spec: TowerSpec,
    options: ort.InferenceSession.SessionOptions,
    worker: OrtSessionClient,
  ): Promise<OnnxTower> {
    let session: WorkerSession;
    try {
      session = await worker.load(spec.file, options);
    } catch (cause) {
      // ONNX Runtime's own words (an unsupported IR version, a bad opset, a truncated file) are
      // what tells an operator how to fix the model, so they travel in the message and details.
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ModelUnavailableError(
        `cannot load ${spec.file}: ONNX Runtime says: ${reason}`,
        { file: spec.file, reason },
        { cause },
      );
    }
    try {
      return new OnnxTower(session, spec, describeSession(session, spec));
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  private tensor(data: Float32Array | Int32Array | Uint8Array, rows: number): InputTensor {
    if (data instanceof Uint8Array) {
      const { normalisation } = this.spec;
      if (normalisation === undefined || this.info.inputType !== 'float32') {
        throw new TypeError(`${this.spec.file}: 8-bit pixels need a float32 input and mean/std`);
      }
      return { type: 'rgb8', data, dims: [rows, ...this.spec.rowShape], ...normalisation };
    }
    const dims = [rows, ...this.spec.rowShape];
    switch (this.info.inputType) {
      case 'float32':
        return { type: 'float32', data: data as Float32Array, dims };
      case 'int32':
        return { type: 'int32', data: Int32Array.from(data), dims };
      case 'int64':
        return {
          type: 'int64',
          data: BigInt64Array.from(data, (v) => BigInt(Math.trunc(v))),
          dims,
        };
    }
  }

  private async runRows(
    data: Float32Array | Int32Array | Uint8Array,
    rows: number,
  ): Promise<Float32Array> {
    const { inputName, outputName } = this.info;
    const output = await this.session.run(inputName, this.tensor(data, rows), outputName);
    const dims = output.dims;
    if (
      output.type !== 'float32' ||
      dims.length !== 2 ||
      dims[0] !== rows ||
      dims[1] !== this.spec.embedDim
    ) {
      throw new Error(`unexpected output ${String(output.type)} [${dims.join(',')}]`);
    }
    return output.data as Float32Array;
  }

  /**
   * Runs `rows` inputs packed row-major in `data` and returns one L2-normalised vector per row.
   * One session.run for the whole batch when the model allows it. Photos may come as packed
   * 8-bit RGB (a Uint8Array of rows x size x size x 3) for a visual tower created with its
   * normalisation: they are converted on the ONNX Runtime thread.
   */
  async run(data: Float32Array | Int32Array | Uint8Array, rows: number): Promise<Float32Array[]> {
    if (rows === 0) return [];
    const d = this.spec.embedDim;
    try {
      let flat: Float32Array;
      if (this.info.batchable || rows === 1) {
        flat = await this.runRows(data, rows);
      } else {
        const rowSize = data.length / rows;
        flat = new Float32Array(rows * d);
        for (let r = 0; r < rows; r++) {
          flat.set(await this.runRows(data.slice(r * rowSize, (r + 1) * rowSize), 1), r * d);
        }
      }
      return Array.from({ length: rows }, (_, r) => l2Normalize(flat.subarray(r * d, (r + 1) * d)));
    } catch (cause) {
      throw new EmbeddingFailedError(`inference failed for ${this.spec.file}`, {}, { cause });
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
