/**
 * Writes an ONNX ModelProto to a file without ever holding the weights in memory twice.
 *
 * protobufjs would copy every initializer into one encoder buffer (the ViT-B/32 tower alone is
 * ~350 MB), so the graph is encoded in pieces and concatenated: a protobuf message is just the
 * concatenation of its fields, in any order, and repeated fields may be appended one by one.
 *   model  = encode(model without graph) ++ field 7 (graph)
 *   graph  = encode(graph without initializers) ++ field 5 (tensor) for each initializer
 *   tensor = encode(tensor header: dims, data_type, name) ++ field 9 (raw_data)
 * Each raw_data is generated chunk by chunk straight into the file.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { onnx } from 'onnx-proto';

const BENCH_OPSET = 17;
/** IR 8 is the first to carry opset 17. */
const IR_VERSION = 8;
const LENGTH_DELIMITED = 2;
const GRAPH_FIELD = 7;
const INITIALIZER_FIELD = 5;
const RAW_DATA_FIELD = 9;
/** Floats generated per write: 4 MB, small next to the weights, large enough to stay fast. */
const CHUNK_FLOATS = 1 << 20;

/** A float32 initializer whose values are produced on demand, `fill(out, offset)` per chunk. */
export interface StreamedTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** Writes values [offset, offset + out.length) of the flattened tensor into `out`. */
  fill(out: Float32Array, offset: number): void;
}

export interface StreamedGraph {
  readonly name: string;
  readonly docString: string;
  readonly nodes: onnx.INodeProto[];
  /** Small tensors (shapes, indices, int64 constants) encoded the ordinary way. */
  readonly constants: onnx.ITensorProto[];
  readonly weights: readonly StreamedTensor[];
  readonly inputs: onnx.IValueInfoProto[];
  readonly outputs: onnx.IValueInfoProto[];
}

function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}

function fieldHeader(field: number, length: number): Uint8Array {
  const tag = varint((field << 3) | LENGTH_DELIMITED);
  const len = varint(length);
  const out = new Uint8Array(tag.length + len.length);
  out.set(tag);
  out.set(len, tag.length);
  return out;
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

interface PlannedTensor {
  readonly tensor: StreamedTensor;
  /** Field-5 header + tensor header + field-9 header, everything but the floats. */
  readonly prefix: Uint8Array;
  readonly byteLength: number;
}

function planTensor(tensor: StreamedTensor): PlannedTensor {
  const header = onnx.TensorProto.encode({
    name: tensor.name,
    dims: [...tensor.dims],
    dataType: onnx.TensorProto.DataType.FLOAT,
  }).finish();
  const rawLength = elementCount(tensor.dims) * 4;
  const raw = fieldHeader(RAW_DATA_FIELD, rawLength);
  const bodyLength = header.length + raw.length + rawLength;
  const outer = fieldHeader(INITIALIZER_FIELD, bodyLength);
  const prefix = Buffer.concat([outer, header, raw]);
  return { tensor, prefix, byteLength: outer.length + bodyLength };
}

function writeFloats(fd: number, tensor: StreamedTensor): void {
  const total = elementCount(tensor.dims);
  const chunk = new Float32Array(Math.min(CHUNK_FLOATS, total));
  for (let offset = 0; offset < total; offset += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, total - offset));
    tensor.fill(part, offset);
    writeSync(fd, new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
}

/** Encodes `graph` as a complete opset-17 model into `file` (overwritten). */
export function writeStreamedModel(file: string, graph: StreamedGraph, producerName: string): void {
  const modelHead = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: BENCH_OPSET }],
    producerName,
    producerVersion: '1',
    docString: graph.docString,
  }).finish();
  const graphHead = onnx.GraphProto.encode({
    name: graph.name,
    node: graph.nodes,
    initializer: graph.constants,
    input: graph.inputs,
    output: graph.outputs,
  }).finish();
  const planned = graph.weights.map(planTensor);
  const graphLength = graphHead.length + planned.reduce((sum, p) => sum + p.byteLength, 0);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, modelHead);
    writeSync(fd, fieldHeader(GRAPH_FIELD, graphLength));
    writeSync(fd, graphHead);
    for (const p of planned) {
      writeSync(fd, p.prefix);
      writeFloats(fd, p.tensor);
    }
  } finally {
    closeSync(fd);
  }
}
