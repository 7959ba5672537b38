/**
 * Reads and validates the config files of an OpenCLIP model folder in Immich's layout:
 * config.json, visual/preprocess_cfg.json, textual/tokenizer_config.json.
 * Anything missing, malformed or unsupported is a ModelUnavailableError naming the file,
 * the field and the value: preprocessing that silently guessed would quietly ruin recall.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ModelUnavailableError } from '../../errors/app-error';

export const MODEL_FILES = {
  config: 'config.json',
  visualModel: path.join('visual', 'model.onnx'),
  preprocess: path.join('visual', 'preprocess_cfg.json'),
  textualModel: path.join('textual', 'model.onnx'),
  tokenizer: path.join('textual', 'tokenizer.json'),
  tokenizerConfig: path.join('textual', 'tokenizer_config.json'),
} as const;

/** Resize modes Immich implements; OpenCLIP's 'longest' (letterbox) is deliberately refused. */
const RESIZE_MODES = ['shortest', 'squash'] as const;
type ResizeMode = (typeof RESIZE_MODES)[number];

/** Interpolations we can reproduce with sharp kernels (PIL names, as Immich reads them). */
const INTERPOLATIONS = ['bicubic', 'bilinear', 'nearest', 'lanczos'] as const;
export type Interpolation = (typeof INTERPOLATIONS)[number];

const triple = z.tuple([z.number(), z.number(), z.number()]);

const modelConfigSchema = z.looseObject({
  embed_dim: z.number().int().positive(),
  vision_cfg: z.looseObject({
    image_size: z.union([z.number().int().positive(), z.array(z.number())]),
  }),
  text_cfg: z.looseObject({
    context_length: z.number().int().min(2).default(77),
    tokenizer_kwargs: z.looseObject({ clean: z.string().optional() }).optional(),
  }),
});

const preprocessSchema = z.looseObject({
  size: z.union([z.number().int().positive(), z.array(z.number().int().positive()).min(1)]),
  mode: z.literal('RGB').default('RGB'),
  mean: triple,
  std: triple.refine((s) => s.every((v) => v > 0), 'std values must be > 0'),
  interpolation: z.enum(INTERPOLATIONS),
  // OpenCLIP's default for configs written before resize_mode existed (Immich does the same).
  resize_mode: z.enum(RESIZE_MODES).default('shortest'),
});

const tokenizerConfigSchema = z.looseObject({
  pad_token: z.union([z.string(), z.looseObject({ content: z.string() })]).optional(),
});

export interface PreprocessConfig {
  readonly size: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly interpolation: Interpolation;
  readonly resizeMode: ResizeMode;
}

export interface ModelConfig {
  readonly embedDim: number;
  readonly contextLength: number;
  /** Immich's `tokenizer_kwargs.clean === 'canonicalize'`: strip punctuation, lower-case. */
  readonly canonicalize: boolean;
  readonly preprocess: PreprocessConfig;
  /** pad_token of tokenizer_config.json; undefined when the folder has none. */
  readonly padToken: string | undefined;
}

async function readJson(modelDir: string, file: string, optional = false): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.join(modelDir, file), 'utf8');
  } catch (cause) {
    if (optional) return undefined;
    throw new ModelUnavailableError(`model file ${file} is missing`, { modelDir, file }, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ModelUnavailableError(
      `model file ${file} is not JSON`,
      { modelDir, file },
      { cause },
    );
  }
}

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  modelDir: string,
  file: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.join('.'),
    message: issue.message,
    value: issue.path.reduce<unknown>(
      (v, key) => (v as Record<PropertyKey, unknown>)?.[key],
      value,
    ),
  }));
  const summary = issues.map((i) => `${i.field}=${JSON.stringify(i.value)}: ${i.message}`);
  throw new ModelUnavailableError(`invalid ${file}: ${summary.join('; ')}`, {
    modelDir,
    file,
    issues,
  });
}

function squareSize(size: number | number[], modelDir: string): number {
  if (typeof size === 'number') return size;
  if (size.every((s) => s === size[0])) return size[0] as number;
  throw new ModelUnavailableError(
    `${MODEL_FILES.preprocess}: non-square size ${JSON.stringify(size)}`,
    {
      modelDir,
      file: MODEL_FILES.preprocess,
      issues: [{ field: 'size', value: size, message: 'only square input sizes are supported' }],
    },
  );
}

export async function loadModelConfig(modelDir: string): Promise<ModelConfig> {
  const cfg = parse(
    modelConfigSchema,
    await readJson(modelDir, MODEL_FILES.config),
    modelDir,
    MODEL_FILES.config,
  );
  const pre = parse(
    preprocessSchema,
    await readJson(modelDir, MODEL_FILES.preprocess),
    modelDir,
    MODEL_FILES.preprocess,
  );
  const tok = parse(
    tokenizerConfigSchema,
    (await readJson(modelDir, MODEL_FILES.tokenizerConfig, true)) ?? {},
    modelDir,
    MODEL_FILES.tokenizerConfig,
  );
  const pad = tok.pad_token;
  return Object.freeze({
    embedDim: cfg.embed_dim,
    contextLength: cfg.text_cfg.context_length,
    canonicalize: cfg.text_cfg.tokenizer_kwargs?.clean === 'canonicalize',
    padToken: typeof pad === 'string' ? pad : pad?.content,
    preprocess: Object.freeze({
      size: squareSize(pre.size, modelDir),
      mean: pre.mean,
      std: pre.std,
      interpolation: pre.interpolation,
      resizeMode: pre.resize_mode,
    }),
  });
}
