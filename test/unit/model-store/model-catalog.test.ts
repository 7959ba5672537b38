import {
  catalogModelNames,
  findCatalogModel,
  loadModelCatalog,
  parseModelCatalog,
} from '../../../src/model-store/model-catalog';
import { gitBlobSha1, sha256Hex } from '../../../src/model-store/model-hash';

const LARGE_FILE_BYTES = 1024 * 1024;

function validCatalog(): Record<string, unknown> {
  return {
    defaultModel: 'tiny',
    models: [
      {
        name: 'tiny',
        dims: 4,
        description: 'test model',
        license: 'MIT',
        source: { repo: 'example/tiny', revision: 'abc' },
        files: [
          {
            path: 'config.json',
            url: 'https://example.test/tiny/config.json',
            sizeBytes: 2,
            hash: null,
          },
          {
            path: 'visual/model.onnx',
            url: 'https://example.test/tiny/visual/model.onnx',
            sizeBytes: null,
            hash: { kind: 'sha256', value: 'a'.repeat(64), source: 'test' },
          },
        ],
      },
    ],
  };
}

function withFile(patch: Record<string, unknown>): Record<string, unknown> {
  const catalog = validCatalog() as { models: Array<{ files: Array<Record<string, unknown>> }> };
  const model = catalog.models[0];
  if (model === undefined) throw new Error('fixture has no model');
  model.files.push({ url: 'https://example.test/x', sizeBytes: null, hash: null, ...patch });
  return catalog as unknown as Record<string, unknown>;
}

describe('the project catalog (models/catalog.json)', () => {
  const catalog = loadModelCatalog();

  it('validates, and its default model is the 512-dim LAION-2B ViT-B-32', () => {
    const model = findCatalogModel(catalog, catalog.defaultModel);
    expect(catalog.defaultModel).toBe('ViT-B-32__laion2b-s34b-b79k');
    expect(model?.dims).toBe(512);
  });

  it('lists the files the loader needs', () => {
    const paths = findCatalogModel(catalog, catalog.defaultModel)?.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'config.json',
        'visual/model.onnx',
        'visual/preprocess_cfg.json',
        'textual/model.onnx',
        'textual/tokenizer.json',
      ]),
    );
  });

  it('has a hash for each large file of the default model, and both ONNX towers are large', () => {
    const model = findCatalogModel(catalog, catalog.defaultModel);
    const large = (model?.files ?? []).filter((f) => (f.sizeBytes ?? 0) >= LARGE_FILE_BYTES);
    expect(large.map((f) => f.path).sort()).toEqual(['textual/model.onnx', 'visual/model.onnx']);
    for (const file of large) expect(file.hash?.kind).toBe('sha256');
  });

  it('pins every URL to the recorded revision, so the bytes cannot move under a hash', () => {
    for (const model of catalog.models) {
      for (const file of model.files) {
        expect(file.url).toBe(
          `https://huggingface.co/${model.source.repo}/resolve/${model.source.revision}/${file.path}`,
        );
      }
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(catalog.models[0]?.files[0])).toBe(true);
  });
});

describe('parseModelCatalog', () => {
  it('accepts a valid catalog and lists names in order', () => {
    expect(catalogModelNames(parseModelCatalog(validCatalog()))).toEqual(['tiny']);
  });

  it.each([
    ['an escaping path', withFile({ path: '../evil' })],
    ['an absolute path', withFile({ path: '/etc/passwd' })],
    ['a duplicate path', withFile({ path: 'config.json' })],
    ['a short sha256', withFile({ path: 'a', hash: { kind: 'sha256', value: 'ab', source: 's' } })],
    [
      'an unknown hash kind',
      withFile({ path: 'a', hash: { kind: 'md5', value: 'ab', source: 's' } }),
    ],
    ['a non-http URL', withFile({ path: 'a', url: 'file:///etc/passwd' })],
    ['a missing default model', { ...validCatalog(), defaultModel: 'other' }],
    ['no models', { defaultModel: 'tiny', models: [] }],
  ])('rejects %s with a TypeError', (_label, input) => {
    expect(() => parseModelCatalog(input)).toThrow(TypeError);
  });

  it('rejects duplicate model names', () => {
    const catalog = validCatalog() as { models: unknown[] };
    catalog.models.push(catalog.models[0]);
    expect(() => parseModelCatalog(catalog)).toThrow(TypeError);
  });
});

describe('hashes', () => {
  it('computes git blob sha1 as `git hash-object` does', () => {
    // Values printed by `printf 'hello\n' | git hash-object --stdin` and for an empty file.
    expect(gitBlobSha1(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(gitBlobSha1(Buffer.alloc(0))).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });

  it('computes sha256', () => {
    expect(sha256Hex(Buffer.from('hello\n'))).toBe(
      '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03',
    );
  });
});
