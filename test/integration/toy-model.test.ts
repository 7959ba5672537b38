import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ensureToyModel,
  generateToyModel,
  TOY_COLOURS,
  TOY_MODEL_VERSION,
  TOY_MODEL_VERSION_FILE,
  TOY_WORDS,
} from '../../scripts/toy-model';
import { ClipTokenizer } from '../../src/adapters/onnx/clip-tokenizer';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'toy-gen-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) =>
    e.isFile(),
  );
  const out: Record<string, string> = {};
  for (const f of files) {
    const full = path.join(f.parentPath, f.name);
    out[path.relative(dir, full)] = (await readFile(full)).toString('base64');
  }
  return out;
}

describe('toy model generator', () => {
  it('writes the Immich/OpenCLIP layout, byte for byte the same on every run', async () => {
    await generateToyModel(path.join(root, 'a'));
    await generateToyModel(path.join(root, 'b'));
    const a = await snapshot(path.join(root, 'a'));
    expect(Object.keys(a).sort()).toEqual(
      [
        'config.json',
        TOY_MODEL_VERSION_FILE,
        'textual/model.onnx',
        'textual/special_tokens_map.json',
        'textual/tokenizer.json',
        'textual/tokenizer_config.json',
        'visual/model.onnx',
        'visual/preprocess_cfg.json',
      ]
        .map((p) => path.normalize(p))
        .sort(),
    );
    expect(await snapshot(path.join(root, 'b'))).toEqual(a);
  });

  it('still produces the bytes of the current TOY_MODEL_VERSION', async () => {
    // If this fails you changed the generated model: bump TOY_MODEL_VERSION (so cached copies
    // in .cache/toy-model are regenerated) and update both values here.
    const files = await snapshot(path.join(root, 'a'));
    const hash = createHash('sha256');
    for (const name of Object.keys(files).sort()) hash.update(name).update(files[name] as string);
    expect({ version: TOY_MODEL_VERSION, sha256: hash.digest('hex') }).toEqual({
      version: 'toy-colour-clip-2',
      sha256: 'ee85a0986ecea1ae8741e436466280ca0edb7325a1887784429822ab5d2c7a98',
    });
  });

  it('gives every toy word, colour words included, a single token', async () => {
    const tokenizer = await ClipTokenizer.fromFile(
      path.join(root, 'a', 'textual', 'tokenizer.json'),
      {
        contextLength: 77,
        padToken: '<|endoftext|>',
      },
    );
    for (const word of TOY_WORDS)
      expect({ word, length: tokenizer.encodeRaw(word).length }).toEqual({ word, length: 3 });
    expect(TOY_COLOURS.every((c) => TOY_WORDS.includes(c.name))).toBe(true);
  });

  it('ensureToyModel regenerates only when the version stamp is missing or different', async () => {
    const dir = path.join(root, 'cached');
    expect(await ensureToyModel(dir)).toBe(true);
    expect(await ensureToyModel(dir)).toBe(false);
    await writeFile(path.join(dir, TOY_MODEL_VERSION_FILE), 'older\n');
    expect(await ensureToyModel(dir)).toBe(true);
    expect((await readFile(path.join(dir, TOY_MODEL_VERSION_FILE), 'utf8')).trim()).toBe(
      TOY_MODEL_VERSION,
    );
    expect(await readdir(root)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/\.(tmp|stale)-/)]),
    );
  });
});
