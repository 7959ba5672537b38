/**
 * The two towers of the toy "colour CLIP". They share one 16-dim space:
 *   dims 0..11  one per prototype colour (TOY_COLOURS order)
 *   dims 12..14 "some other word" (text only, hashed by token id), so a text without colour
 *               words still has a direction
 *   dim  15     start-of-text bias (text only), so even the empty text is not a zero vector
 *
 * Image tower: a soft colour histogram. Per 4x4 block of pixels, a softmax over -||rgb - prototype||^2 / tau
 * (the ||rgb||^2 term is the same for every prototype, so it cancels in the softmax and the
 * logits are affine in the pixel: a 1x1 Conv), averaged over the picture. The OpenCLIP
 * normalisation (x * std + mean) is folded into that Conv's weights and bias.
 * Text tower: Gather rows of a table by token id, summed over the sequence.
 */
import { onnx } from 'onnx-proto';
import type { GraphSpec } from './onnx-graph';
import { encodeModel, floatTensor, int64Tensor, node, valueInfo } from './onnx-graph';

export interface ToyColour {
  readonly name: string;
  /** sRGB 0..255 */
  readonly rgb: readonly [number, number, number];
}

export const TOY_COLOURS: readonly ToyColour[] = [
  { name: 'red', rgb: [230, 20, 20] },
  { name: 'orange', rgb: [255, 140, 0] },
  { name: 'yellow', rgb: [250, 225, 20] },
  { name: 'green', rgb: [30, 160, 40] },
  { name: 'cyan', rgb: [0, 210, 220] },
  { name: 'blue', rgb: [20, 50, 220] },
  { name: 'purple', rgb: [120, 30, 160] },
  { name: 'pink', rgb: [250, 140, 190] },
  { name: 'brown', rgb: [120, 70, 30] },
  { name: 'white', rgb: [250, 250, 250] },
  { name: 'grey', rgb: [128, 128, 128] },
  { name: 'black', rgb: [10, 10, 10] },
];

/** Words that mean the same prototype as another. */
const TOY_SYNONYMS: Readonly<Record<string, string>> = { gray: 'grey' };

export const TOY_EMBED_DIM = 16;
const OTHER_WORD_DIMS = [12, 13, 14];
const START_DIM = 15;
const OTHER_WORD_WEIGHT = 0.1;
const START_WEIGHT = 0.05;
/** Pixels are averaged in POOL x POOL blocks first: 16x less work, and it calms JPEG noise. */
const POOL = 4;
/** Softmax temperature in squared [0,1]-RGB distance: small, so a pixel votes almost hard. */
const TAU = 0.02;

/** 'batch' = dynamic batch axis; 1 = fixed, as Immich exports (no dynamic_axes) declare. */
type BatchDim = 'batch' | 1;

export interface ImageTowerOptions {
  batch: BatchDim;
  size: number;
  mean: readonly number[];
  std: readonly number[];
}

/** Conv weight/bias computing (2 x.p - |p|^2) / tau from the normalised input. */
function colourConv(mean: readonly number[], std: readonly number[]): { w: number[]; b: number[] } {
  const w: number[] = [];
  const b: number[] = [];
  for (const { rgb } of TOY_COLOURS) {
    const p = rgb.map((v) => v / 255);
    let bias = 0;
    for (let c = 0; c < 3; c++) {
      w.push((2 * (p[c] as number) * (std[c] as number)) / TAU);
      bias += 2 * (mean[c] as number) * (p[c] as number) - (p[c] as number) ** 2;
    }
    b.push(bias / TAU);
  }
  return { w, b };
}

export function buildImageTower(opts: ImageTowerOptions): Uint8Array {
  const k = TOY_COLOURS.length;
  const { w, b } = colourConv(opts.mean, opts.std);
  const pad = new Array<number>(k * TOY_EMBED_DIM).fill(0);
  for (let i = 0; i < k; i++) pad[i * TOY_EMBED_DIM + i] = 1;
  const spec: GraphSpec = {
    name: 'toy_colour_clip_visual',
    docString: 'Toy colour CLIP image tower: soft colour histogram over prototype colours.',
    initializers: [
      floatTensor('colour_w', [k, 3, 1, 1], w),
      floatTensor('colour_b', [k], b),
      floatTensor('to_embedding', [k, TOY_EMBED_DIM], pad),
    ],
    nodes: [
      node('AveragePool', ['image'], ['pooled'], {
        kernel_shape: [POOL, POOL],
        strides: [POOL, POOL],
      }),
      node('Conv', ['pooled', 'colour_w', 'colour_b'], ['logits']),
      node('Softmax', ['logits'], ['votes'], { axis: 1 }),
      node('ReduceMean', ['votes'], ['histogram'], { axes: [2, 3], keepdims: 0 }),
      node('MatMul', ['histogram', 'to_embedding'], ['embedding']),
    ],
    inputs: [
      valueInfo('image', onnx.TensorProto.DataType.FLOAT, [opts.batch, 3, opts.size, opts.size]),
    ],
    outputs: [valueInfo('embedding', onnx.TensorProto.DataType.FLOAT, [opts.batch, TOY_EMBED_DIM])],
  };
  return encodeModel(spec);
}

export interface TextTowerOptions {
  batch: BatchDim;
  contextLength: number;
  vocab: ReadonlyMap<string, number>;
  startId: number;
  endId: number;
}

/** One row per token id: colour words one-hot, other words a hashed "other" dim. */
function tokenTable(opts: TextTowerOptions): number[] {
  const table = new Array<number>(opts.vocab.size * TOY_EMBED_DIM).fill(0);
  const colourIndex = new Map(TOY_COLOURS.map((c, i) => [c.name, i]));
  for (const [token, id] of opts.vocab) {
    const row = id * TOY_EMBED_DIM;
    if (id === opts.endId) continue;
    if (id === opts.startId) {
      table[row + START_DIM] = START_WEIGHT;
      continue;
    }
    const word = token.endsWith('</w>') ? token.slice(0, -4) : undefined;
    const colour = word === undefined ? undefined : colourIndex.get(TOY_SYNONYMS[word] ?? word);
    if (colour !== undefined) table[row + colour] = 1;
    else table[row + (OTHER_WORD_DIMS[id % OTHER_WORD_DIMS.length] as number)] = OTHER_WORD_WEIGHT;
  }
  return table;
}

export function buildTextTower(opts: TextTowerOptions): Uint8Array {
  const spec: GraphSpec = {
    name: 'toy_colour_clip_textual',
    docString: 'Toy colour CLIP text tower: sum of per-token rows (colour words one-hot).',
    initializers: [
      floatTensor('token_table', [opts.vocab.size, TOY_EMBED_DIM], tokenTable(opts)),
      int64Tensor('sequence_axis', [1]),
    ],
    nodes: [
      node('Gather', ['token_table', 'text'], ['token_rows'], { axis: 0 }),
      node('ReduceSum', ['token_rows', 'sequence_axis'], ['embedding'], { keepdims: 0 }),
    ],
    inputs: [valueInfo('text', onnx.TensorProto.DataType.INT32, [opts.batch, opts.contextLength])],
    outputs: [valueInfo('embedding', onnx.TensorProto.DataType.FLOAT, [opts.batch, TOY_EMBED_DIM])],
  };
  return encodeModel(spec);
}
