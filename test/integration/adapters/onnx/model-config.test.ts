/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadModelConfig } from '../../../../src/adapters/onnx/model-config';
import { OnnxEmbedder } from '../../../../src/adapters/onnx/onnx-embedder';
import { ErrorCode } from '../../../../src/errors/app-error';
import { expectCode, rejectionOf } from '../../../helpers/expect-code';
import { toyModelDir } from '../../../helpers/toy-model';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'toy-config-'));
  await cp(toyModelDir(), dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function editJson(
  file: string,
  edit: (json: Record<string, unknown>) => void,
): Promise<void> {
  const full = path.join(dir, file);
  const json = JSON.parse(await readFile(full, 'utf8')) as Record<string, unknown>;
  edit(json);
  await writeFile(full, JSON.stringify(json));
}

describe('loadModelConfig', () => {
  it('reads the toy model folder', async () => {
    await expect(loadModelConfig(dir)).resolves.toEqual({
      embedDim: 16,
      contextLength: 77,
      canonicalize: false,
      padToken: '<|endoftext|>',
      preprocess: {
        size: 224,
        mean: [0.48145466, 0.4578275, 0.40821073],
        std: [0.26862954, 0.26130258, 0.27577711],
        interpolation: 'bicubic',
        resizeMode: 'shortest',
      },
    });
  });

  it.each([
    ['resize_mode', 'longest'],
    ['resize_mode', 'crop'],
    ['interpolation', 'random'],
    ['interpolation', 'bicubicc'],
  ])('refuses %s %j, naming the file and the value', async (field, value) => {
    await editJson('visual/preprocess_cfg.json', (json) => (json[field] = value));
    const error = await expectCode(loadModelConfig(dir), ErrorCode.MODEL_UNAVAILABLE);
    expect(error.details).toMatchObject({
      file: path.join('visual', 'preprocess_cfg.json'),
      issues: [expect.objectContaining({ field, value })],
    });
  });

  it('defaults a missing resize_mode to shortest (older OpenCLIP configs)', async () => {
    await editJson('visual/preprocess_cfg.json', (json) => delete json.resize_mode);
    await expect(loadModelConfig(dir)).resolves.toMatchObject({
      preprocess: { resizeMode: 'shortest' },
    });
  });

  it('accepts a [n, n] size and refuses a non-square one', async () => {
    await editJson('visual/preprocess_cfg.json', (json) => (json.size = [224, 224]));
    await expect(loadModelConfig(dir)).resolves.toMatchObject({ preprocess: { size: 224 } });
    await editJson('visual/preprocess_cfg.json', (json) => (json.size = [224, 256]));
    await expectCode(loadModelConfig(dir), ErrorCode.MODEL_UNAVAILABLE);
  });

  it('reads tokenizer_kwargs.clean = canonicalize', async () => {
    await editJson('config.json', (json) => {
      (json.text_cfg as Record<string, unknown>).tokenizer_kwargs = { clean: 'canonicalize' };
    });
    await expect(loadModelConfig(dir)).resolves.toMatchObject({ canonicalize: true });
  });

  it('refuses a missing or malformed config.json', async () => {
    await writeFile(path.join(dir, 'config.json'), '{ not json');
    expect(await rejectionOf(loadModelConfig(dir))).toMatchObject({
      code: ErrorCode.MODEL_UNAVAILABLE,
      details: { file: 'config.json' },
    });
    await rm(path.join(dir, 'config.json'));
    await expectCode(loadModelConfig(dir), ErrorCode.MODEL_UNAVAILABLE);
  });
});

describe('OnnxEmbedder.load checks the sessions against the config', () => {
  const load = (modelDir: string) =>
    OnnxEmbedder.load({
      modelDir,
      maxInputPixels: 1e6,
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      allowSpinning: false,
    });

  it('refuses an embed_dim the model does not output', async () => {
    await editJson('config.json', (json) => (json.embed_dim = 512));
    expect(await rejectionOf(load(dir))).toMatchObject({
      code: ErrorCode.MODEL_UNAVAILABLE,
      details: { field: 'output dim' },
    });
  });

  it('refuses a context length the text tower does not take', async () => {
    await editJson(
      'config.json',
      (json) => ((json.text_cfg as Record<string, unknown>).context_length = 64),
    );
    expect(await rejectionOf(load(dir))).toMatchObject({
      code: ErrorCode.MODEL_UNAVAILABLE,
      details: { field: 'input shape' },
    });
  });

  it('refuses a missing or broken model file', async () => {
    await writeFile(path.join(dir, 'textual', 'model.onnx'), 'not onnx');
    const broken = await expectCode(load(dir), ErrorCode.MODEL_UNAVAILABLE);
    // ONNX Runtime's own reason reaches the operator, in the message and the details.
    const reason = String(broken.details.reason ?? '');
    expect(reason.length).toBeGreaterThan(0);
    expect(broken.message).toContain(reason);
    expect(broken.details.file).toEqual(expect.stringContaining('textual'));
    await rm(path.join(dir, 'visual', 'model.onnx'));
    await expectCode(load(dir), ErrorCode.MODEL_UNAVAILABLE);
    await expectCode(load(path.join(dir, 'nowhere')), ErrorCode.MODEL_UNAVAILABLE);
  });
});
