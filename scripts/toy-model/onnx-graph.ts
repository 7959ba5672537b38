/**
 * The few ONNX protobuf builders the toy model needs. Everything is written with explicit,
 * fixed values (no timestamps, no random ids) so the encoded bytes are the same on every run.
 */
import { onnx } from 'onnx-proto';

/** Opset 13: ReduceSum takes its axes as an input, ReduceMean still as an attribute. */
const OPSET = 13;
const IR_VERSION = 7;

export type Dim = number | string;

export function floatTensor(
  name: string,
  dims: number[],
  values: ArrayLike<number>,
): onnx.ITensorProto {
  const size = dims.reduce((a, b) => a * b, 1);
  if (values.length !== size) {
    throw new TypeError(
      `floatTensor ${name}: ${values.length} values for dims [${dims.join(',')}]`,
    );
  }
  return {
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(Float32Array.from(values).buffer),
  };
}

export function int64Tensor(name: string, values: number[]): onnx.ITensorProto {
  return {
    name,
    dims: [values.length],
    dataType: onnx.TensorProto.DataType.INT64,
    rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
  };
}

export function valueInfo(
  name: string,
  elemType: onnx.TensorProto.DataType,
  shape: Dim[],
): onnx.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

type AttrValue = number | number[];

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, AttrValue> = {},
): onnx.INodeProto {
  const attribute = Object.entries(attributes).map(([name, value]): onnx.IAttributeProto => {
    if (Array.isArray(value)) {
      return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value };
    }
    return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
  });
  return { opType, input: inputs, output: outputs, name: outputs[0], attribute };
}

export interface GraphSpec {
  name: string;
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
  inputs: onnx.IValueInfoProto[];
  outputs: onnx.IValueInfoProto[];
  docString: string;
}

export function encodeModel(spec: GraphSpec): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'product-image-search toy-model',
    producerVersion: '1',
    docString: spec.docString,
    graph: {
      name: spec.name,
      node: spec.nodes,
      initializer: spec.initializers,
      input: spec.inputs,
      output: spec.outputs,
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
