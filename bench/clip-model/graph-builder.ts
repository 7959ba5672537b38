/**
 * Collects the nodes and initializers of one tower, with the transformer pieces both CLIP
 * towers share: LayerNorm, linear layers, multi-head self-attention and the QuickGELU MLP,
 * laid out as PyTorch exports OpenCLIP's nn.MultiheadAttention (one packed in-projection).
 *
 * Weights are random but reproducible: each value is a hash of (seed, tensor name, index), so
 * any chunk of any tensor can be produced without state and two runs write the same bytes.
 */
import { onnx } from 'onnx-proto';
import { floatTensor, int64Tensor, node } from '../../scripts/toy-model/onnx-graph';
import type { StreamedGraph, StreamedTensor } from './onnx-stream-writer';

type AttrValue = number | number[];

/** FNV-1a over the name, mixed with the seed: one independent stream per tensor. */
function tensorSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's 32-bit finaliser of (seed + index): a stateless, well-mixed uniform in [-1, 1). */
function uniformAt(seed: number, index: number): number {
  let h = (seed + Math.imul(index, 0x9e3779b9)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x8000_0000 - 1;
}

export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly constants: onnx.ITensorProto[] = [];
  readonly weights: StreamedTensor[] = [];
  private counter = 0;

  constructor(private readonly seed: number) {}

  /** A fresh value name; ONNX node outputs must be unique in the graph. */
  private fresh(hint: string): string {
    this.counter += 1;
    return `${hint}_${this.counter}`;
  }

  op(
    opType: string,
    inputs: string[],
    hint: string,
    attributes: Record<string, AttrValue> = {},
  ): string {
    const output = this.fresh(hint);
    this.nodes.push(node(opType, inputs, [output], attributes));
    return output;
  }

  /** Uniform values with standard deviation `std` (uniform in +-std*sqrt(3)). */
  random(name: string, dims: number[], std: number): string {
    const seed = tensorSeed(this.seed, name);
    const scale = std * Math.sqrt(3);
    this.weights.push({
      name,
      dims,
      fill: (out, offset) => {
        for (let i = 0; i < out.length; i++) out[i] = scale * uniformAt(seed, offset + i);
      },
    });
    return name;
  }

  /** A weight whose value at each flat index is given by `valueAt` (masks, LayerNorm params). */
  computed(name: string, dims: number[], valueAt: (index: number) => number): string {
    this.weights.push({
      name,
      dims,
      fill: (out, offset) => {
        for (let i = 0; i < out.length; i++) out[i] = valueAt(offset + i);
      },
    });
    return name;
  }

  floatScalar(name: string, value: number): string {
    this.constants.push(floatTensor(name, [], [value]));
    return name;
  }

  int64(name: string, values: number[]): string {
    this.constants.push(int64Tensor(name, values));
    return name;
  }

  /** A rank-0 int64, so Gather drops the indexed axis. */
  int64Scalar(name: string, value: number): string {
    this.constants.push({
      name,
      dims: [],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(BigInt64Array.of(BigInt(value)).buffer),
    });
    return name;
  }

  layerNorm(x: string, width: number, prefix: string): string {
    const scale = this.computed(`${prefix}.weight`, [width], () => 1);
    const bias = this.computed(`${prefix}.bias`, [width], () => 0);
    return this.op('LayerNormalization', [x, scale, bias], prefix.replace(/\W/g, '_'), {
      axis: -1,
    });
  }

  /** x @ W + b with W stored [in, out] (PyTorch's weight transposed, as the exporter folds it). */
  linear(x: string, inWidth: number, outWidth: number, prefix: string, bias = true): string {
    const w = this.random(`${prefix}.weight`, [inWidth, outWidth], 1 / Math.sqrt(inWidth));
    const y = this.op('MatMul', [x, w], 'matmul');
    if (!bias) return y;
    const b = this.random(`${prefix}.bias`, [outWidth], 0.02);
    return this.op('Add', [y, b], 'add');
  }

  /** OpenAI CLIP's QuickGELU: x * sigmoid(1.702 x). */
  quickGelu(x: string): string {
    const k = this.floatScalar(this.fresh('quick_gelu_k'), 1.702);
    const s = this.op('Sigmoid', [this.op('Mul', [x, k], 'mul')], 'sigmoid');
    return this.op('Mul', [x, s], 'quick_gelu');
  }

  graph(
    name: string,
    docString: string,
    io: Pick<StreamedGraph, 'inputs' | 'outputs'>,
  ): StreamedGraph {
    return {
      name,
      docString,
      nodes: this.nodes,
      constants: this.constants,
      weights: this.weights,
      ...io,
    };
  }
}

export interface BlockShape {
  readonly width: number;
  readonly heads: number;
  readonly mlpWidth: number;
  /** Additive [seq, seq] attention mask (the text tower's causal mask). */
  readonly mask?: string;
}

function selfAttention(g: GraphBuilder, x: string, s: BlockShape, prefix: string): string {
  const headDim = s.width / s.heads;
  const qkv = g.linear(x, s.width, 3 * s.width, `${prefix}.in_proj`);
  const split = g.int64(`${prefix}.split`, [s.width, s.width, s.width]);
  const names = ['q', 'k', 'v'].map((n) => `${prefix.replace(/\W/g, '_')}_${n}`);
  g.nodes.push(node('Split', [qkv, split], names, { axis: -1 }));
  const headsShape = g.int64(`${prefix}.heads_shape`, [0, 0, s.heads, headDim]);
  const [q, k, v] = names.map((n) => g.op('Reshape', [n, headsShape], 'reshape')) as [
    string,
    string,
    string,
  ];
  const qT = g.op('Transpose', [q], 'transpose', { perm: [0, 2, 1, 3] });
  const kT = g.op('Transpose', [k], 'transpose', { perm: [0, 2, 3, 1] });
  const vT = g.op('Transpose', [v], 'transpose', { perm: [0, 2, 1, 3] });
  const scale = g.floatScalar(`${prefix}.scale`, 1 / Math.sqrt(headDim));
  let scores = g.op('Mul', [g.op('MatMul', [qT, kT], 'scores'), scale], 'scaled');
  if (s.mask !== undefined) scores = g.op('Add', [scores, s.mask], 'masked');
  const probs = g.op('Softmax', [scores], 'softmax', { axis: -1 });
  const context = g.op('Transpose', [g.op('MatMul', [probs, vT], 'context')], 'transpose', {
    perm: [0, 2, 1, 3],
  });
  const merged = g.op(
    'Reshape',
    [context, g.int64(`${prefix}.merge_shape`, [0, 0, s.width])],
    'reshape',
  );
  return g.linear(merged, s.width, s.width, `${prefix}.out_proj`);
}

/** One pre-norm residual attention block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
export function residualBlock(g: GraphBuilder, x: string, s: BlockShape, prefix: string): string {
  const attended = selfAttention(g, g.layerNorm(x, s.width, `${prefix}.ln_1`), s, `${prefix}.attn`);
  const mid = g.op('Add', [x, attended], 'residual');
  const hidden = g.linear(
    g.layerNorm(mid, s.width, `${prefix}.ln_2`),
    s.width,
    s.mlpWidth,
    `${prefix}.mlp.c_fc`,
  );
  const out = g.linear(g.quickGelu(hidden), s.mlpWidth, s.width, `${prefix}.mlp.c_proj`);
  return g.op('Add', [mid, out], 'residual');
}
