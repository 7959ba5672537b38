/**
 * The two towers of OpenAI's CLIP ViT-B/32 (as OpenCLIP builds it), with random weights:
 *
 *   image: Conv 3->768 k32 s32, class token + 50 positions, ln_pre, 12 blocks (768, 12 heads,
 *          MLP 3072, QuickGELU), ln_post on the class token, projection 768->512.
 *   text:  token embedding 49408x512 + 77 positions, 12 causal blocks (512, 8 heads, MLP 2048,
 *          QuickGELU), ln_final, features at the end token (argmax of the ids), 512->512.
 *
 * Input and output names follow one of two conventions, same graph otherwise:
 *   'immich'          image float32 / text int32 -> embedding (what the service loads)
 *   'transformers-js' pixel_values float32 / input_ids int64 -> image_embeds / text_embeds
 *                     (what @huggingface/transformers' CLIP*ModelWithProjection feed)
 */
import { onnx } from 'onnx-proto';
import { valueInfo } from '../../scripts/toy-model/onnx-graph';
import { GraphBuilder, residualBlock } from './graph-builder';
import type { StreamedGraph } from './onnx-stream-writer';

export type IoConvention = 'immich' | 'transformers-js';

export interface VisionShape {
  readonly imageSize: number;
  readonly patchSize: number;
  readonly width: number;
  readonly layers: number;
  readonly heads: number;
  readonly mlpWidth: number;
  readonly embedDim: number;
}

export interface TextShape {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly width: number;
  readonly layers: number;
  readonly heads: number;
  readonly mlpWidth: number;
  readonly embedDim: number;
}

export const VIT_B_32: VisionShape = {
  imageSize: 224,
  patchSize: 32,
  width: 768,
  layers: 12,
  heads: 12,
  mlpWidth: 3072,
  embedDim: 512,
};

export const CLIP_TEXT: TextShape = {
  vocabSize: 49408,
  contextLength: 77,
  width: 512,
  layers: 12,
  heads: 8,
  mlpWidth: 2048,
  embedDim: 512,
};

const FLOAT = onnx.TensorProto.DataType.FLOAT;
/** CLIP's init scale for embeddings (token, position, class). */
const EMBEDDING_STD = 0.02;

/** Patchify, prepend the class token, add positions: [B,3,S,S] -> [B,1+P,W]. */
function patchTokens(g: GraphBuilder, image: string, s: VisionShape): string {
  const conv = g.random(
    'conv1.weight',
    [s.width, 3, s.patchSize, s.patchSize],
    1 / Math.sqrt(3 * s.patchSize ** 2),
  );
  const kernel = [s.patchSize, s.patchSize];
  const patches = g.op('Conv', [image, conv], 'conv1', { kernel_shape: kernel, strides: kernel });
  const flat = g.op('Reshape', [patches, g.int64('patch_shape', [0, s.width, -1])], 'reshape');
  const tokens = g.op('Transpose', [flat], 'patch_tokens', { perm: [0, 2, 1] });
  // The class token is expanded to the runtime batch size, as torch exports _expand_token.
  const batch = g.op(
    'Slice',
    [g.op('Shape', [tokens], 'shape'), g.int64('zero', [0]), g.int64('one', [1])],
    'batch',
  );
  const clsShape = g.op('Concat', [batch, g.int64('cls_tail', [1, s.width])], 'cls_shape', {
    axis: 0,
  });
  const cls = g.op(
    'Expand',
    [g.random('class_embedding', [1, 1, s.width], EMBEDDING_STD), clsShape],
    'cls',
  );
  const withCls = g.op('Concat', [cls, tokens], 'tokens', { axis: 1 });
  const positions = (s.imageSize / s.patchSize) ** 2 + 1;
  return g.op(
    'Add',
    [withCls, g.random('positional_embedding', [positions, s.width], EMBEDDING_STD)],
    'embedded',
  );
}

export function buildVisionTower(s: VisionShape, io: IoConvention, seed: number): StreamedGraph {
  const g = new GraphBuilder(seed);
  const input = io === 'immich' ? 'image' : 'pixel_values';
  const output = io === 'immich' ? 'embedding' : 'image_embeds';
  let x = g.layerNorm(patchTokens(g, input, s), s.width, 'ln_pre');
  for (let i = 0; i < s.layers; i++) {
    x = residualBlock(g, x, s, `transformer.resblocks.${i}`);
  }
  const pooled = g.op('Gather', [x, g.int64Scalar('class_index', 0)], 'class_token', { axis: 1 });
  const normed = g.layerNorm(pooled, s.width, 'ln_post');
  const proj = g.random('proj', [s.width, s.embedDim], 1 / Math.sqrt(s.width));
  g.nodes.push({ opType: 'MatMul', input: [normed, proj], output: [output], name: output });
  return g.graph(
    'clip_vit_b_32_visual_random',
    `ViT-B/32 image tower, random weights, ${s.layers} layers`,
    {
      inputs: [valueInfo(input, FLOAT, ['batch', 3, s.imageSize, s.imageSize])],
      outputs: [valueInfo(output, FLOAT, ['batch', s.embedDim])],
    },
  );
}

/** OpenCLIP's causal mask: -inf above the diagonal, 0 elsewhere. */
function causalMask(g: GraphBuilder, n: number): string {
  return g.computed('attn_mask', [n, n], (i) => (i % n > Math.floor(i / n) ? -Infinity : 0));
}

export function buildTextTower(s: TextShape, io: IoConvention, seed: number): StreamedGraph {
  const g = new GraphBuilder(seed);
  const input = io === 'immich' ? 'text' : 'input_ids';
  const output = io === 'immich' ? 'embedding' : 'text_embeds';
  const ids =
    io === 'immich' ? input : g.op('Cast', [input], 'ids', { to: onnx.TensorProto.DataType.INT32 });
  const tokens = g.op(
    'Gather',
    [g.random('token_embedding.weight', [s.vocabSize, s.width], EMBEDDING_STD), ids],
    'tok',
    {
      axis: 0,
    },
  );
  const positional = g.random(
    'positional_embedding',
    [s.contextLength, s.width],
    EMBEDDING_STD / 2,
  );
  let x = g.op('Add', [tokens, positional], 'embedded');
  const mask = causalMask(g, s.contextLength);
  for (let i = 0; i < s.layers; i++) {
    x = residualBlock(g, x, { ...s, mask }, `transformer.resblocks.${i}`);
  }
  const normed = g.layerNorm(x, s.width, 'ln_final');
  // The end token has the largest id, so argmax finds it (CLIP's text_global_pool 'argmax').
  const eot = g.op('ArgMax', [ids], 'eot', { axis: -1, keepdims: 0 });
  const eotIndex = g.op('Unsqueeze', [eot, g.int64('eot_axes', [1])], 'eot_index');
  const pooled = g.op('GatherND', [normed, eotIndex], 'pooled', { batch_dims: 1 });
  const proj = g.random('text_projection', [s.width, s.embedDim], 1 / Math.sqrt(s.width));
  g.nodes.push({ opType: 'MatMul', input: [pooled, proj], output: [output], name: output });
  const idType =
    io === 'immich' ? onnx.TensorProto.DataType.INT32 : onnx.TensorProto.DataType.INT64;
  return g.graph('clip_text_random', `CLIP text tower, random weights, ${s.layers} layers`, {
    inputs: [valueInfo(input, idType, ['batch', s.contextLength])],
    outputs: [valueInfo(output, FLOAT, ['batch', s.embedDim])],
  });
}
