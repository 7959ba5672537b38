import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadUserInputError, ErrorCode, ModelUnavailableError } from '../../src/errors/app-error';
import type { ModelCatalog } from '../../src/model-store/model-catalog';
import { parseModelCatalog } from '../../src/model-store/model-catalog';
import type { FetchModelOptions, FetchModelResult } from '../../src/model-store/model-fetcher';
import { resolveModelDir } from '../../src/model-store/model-resolver';
import { rejectionOf } from '../helpers/expect-code';

const catalog: ModelCatalog = parseModelCatalog({
  defaultModel: 'alpha',
  models: ['alpha', 'beta'].map((name) => ({
    name,
    dims: 4,
    description: 'test model',
    license: 'MIT',
    source: { repo: `test/${name}`, revision: 'main' },
    files: [
      {
        path: 'config.json',
        url: `https://example.test/${name}/config.json`,
        sizeBytes: 2,
        hash: null,
      },
      {
        path: 'visual/model.onnx',
        url: `https://example.test/${name}/m`,
        sizeBytes: null,
        hash: null,
      },
    ],
  })),
});

/** A fetcher fake that records its calls and writes the files, as the real one would. */
function recordingFetcher(): {
  calls: FetchModelOptions[];
  impl: (options: FetchModelOptions) => Promise<FetchModelResult>;
} {
  const calls: FetchModelOptions[] = [];
  const impl = async (options: FetchModelOptions): Promise<FetchModelResult> => {
    calls.push(options);
    const modelDir = path.join(options.modelsDir, options.model.name);
    writeModel(modelDir);
    recordModel(options.modelsDir, options.model.name);
    return { modelDir, files: [] };
  };
  return { calls, impl };
}

function writeModel(modelDir: string): void {
  mkdirSync(path.join(modelDir, 'visual'), { recursive: true });
  writeFileSync(path.join(modelDir, 'config.json'), '{}');
  writeFileSync(path.join(modelDir, 'visual', 'model.onnx'), 'onnx');
}

/** The hash record the real fetcher writes beside the folder once it verified the files. */
function recordModel(modelsDir: string, name: string): void {
  const entry = (bytes: string): { sha256: string; sizeBytes: number } => ({
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: Buffer.byteLength(bytes),
  });
  const record = {
    version: 1,
    model: name,
    files: { 'config.json': entry('{}'), 'visual/model.onnx': entry('onnx') },
  };
  writeFileSync(path.join(modelsDir, `${name}.hashes.json`), JSON.stringify(record));
}

describe('resolveModelDir', () => {
  let root: string;
  let modelsDir: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'model-resolve-'));
    modelsDir = path.join(root, 'cache');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lets an explicit modelDir win over the catalog name, without fetching', async () => {
    const explicit = path.join(root, 'toy');
    writeModel(explicit);
    const fetcher = recordingFetcher();
    const resolved = await resolveModelDir({
      modelDir: explicit,
      model: 'not-in-the-catalog',
      modelsDir,
      fetch: true,
      catalog,
      fetchModelImpl: fetcher.impl,
    });
    expect(resolved).toEqual({ modelDir: explicit, origin: 'explicit' });
    expect(fetcher.calls).toHaveLength(0);
  });

  it('rejects an explicit modelDir that does not exist or lacks config.json', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    for (const modelDir of [path.join(root, 'missing'), empty]) {
      const error = await rejectionOf(
        resolveModelDir({ modelDir, model: 'alpha', modelsDir, fetch: true, catalog }),
      );
      expect(error).toBeInstanceOf(ModelUnavailableError);
      expect((error as ModelUnavailableError).details['modelDir']).toBe(modelDir);
    }
  });

  it('rejects an unknown model name and lists the known ones', async () => {
    const error = await rejectionOf(
      resolveModelDir({ model: 'gamma', modelsDir, fetch: true, catalog }),
    );
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as BadUserInputError).code).toBe(ErrorCode.BAD_USER_INPUT);
    expect((error as BadUserInputError).details['knownModels']).toEqual(['alpha', 'beta']);
  });

  it('uses a complete cached model without fetching', async () => {
    writeModel(path.join(modelsDir, 'beta'));
    recordModel(modelsDir, 'beta');
    const fetcher = recordingFetcher();
    const resolved = await resolveModelDir({
      model: 'beta',
      modelsDir,
      fetch: true,
      catalog,
      fetchModelImpl: fetcher.impl,
    });
    expect(resolved.modelDir).toBe(path.join(modelsDir, 'beta'));
    expect(resolved.origin).toBe('cache');
    expect(fetcher.calls).toHaveLength(0);
  });

  it('fails with the retry command when the model is missing and fetching is disabled', async () => {
    const fetcher = recordingFetcher();
    const error = await rejectionOf(
      resolveModelDir({
        model: 'alpha',
        modelsDir,
        fetch: false,
        catalog,
        fetchModelImpl: fetcher.impl,
      }),
    );
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).code).toBe(ErrorCode.MODEL_UNAVAILABLE);
    expect((error as ModelUnavailableError).details).toMatchObject({
      model: 'alpha',
      missing: ['config.json', 'visual/model.onnx'],
      retryCommand: 'npm run models:fetch -- alpha --allow-unverified',
    });
    expect(fetcher.calls).toHaveLength(0);
  });

  it('treats a file of the wrong size as missing', async () => {
    const modelDir = path.join(modelsDir, 'alpha');
    writeModel(modelDir);
    recordModel(modelsDir, 'alpha');
    writeFileSync(path.join(modelDir, 'config.json'), '{"truncated');
    const error = await rejectionOf(
      resolveModelDir({ model: 'alpha', modelsDir, fetch: false, catalog }),
    );
    expect((error as ModelUnavailableError).details['missing']).toEqual(['config.json']);
  });

  it('fetches a missing model when allowed, passing the fetch options through', async () => {
    const fetcher = recordingFetcher();
    const resolved = await resolveModelDir({
      model: 'alpha',
      modelsDir,
      fetch: true,
      catalog,
      fetchOptions: { allowUnverified: true, baseUrl: 'http://mirror.test' },
      fetchModelImpl: fetcher.impl,
    });
    expect(resolved).toMatchObject({ modelDir: path.join(modelsDir, 'alpha'), origin: 'fetched' });
    expect(fetcher.calls).toHaveLength(1);
    expect(fetcher.calls[0]).toMatchObject({
      modelsDir,
      allowUnverified: true,
      baseUrl: 'http://mirror.test',
    });
    expect(fetcher.calls[0]?.model.name).toBe('alpha');
  });

  it('lets the fetcher error through when the fetch fails', async () => {
    const failure = new ModelUnavailableError('down', {
      model: 'alpha',
      url: 'u',
      retryCommand: 'r',
    });
    const error = await rejectionOf(
      resolveModelDir({
        model: 'alpha',
        modelsDir,
        fetch: true,
        catalog,
        fetchModelImpl: () => Promise.reject(failure),
      }),
    );
    expect(error).toBe(failure);
  });

  it('turns a failed real fetch into ModelUnavailableError naming the URL', async () => {
    // A port that was just free and is now closed: the connection is refused.
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const baseUrl = `http://127.0.0.1:${port}`;

    const error = await rejectionOf(
      resolveModelDir({
        model: 'alpha',
        modelsDir,
        fetch: true,
        catalog,
        fetchOptions: { baseUrl, allowUnverified: true },
      }),
    );
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).details).toMatchObject({
      url: `${baseUrl}/alpha/config.json`,
      retryCommand: 'npm run models:fetch -- alpha --allow-unverified',
    });
  });

  it('reads the project catalog when none is given', async () => {
    const error = await rejectionOf(
      resolveModelDir({ model: 'unknown-model', modelsDir, fetch: false }),
    );
    expect((error as BadUserInputError).details['knownModels']).toContain(
      'ViT-B-32__laion2b-s34b-b79k',
    );
  });
});
