import { createHash, randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, ModelUnavailableError } from '../../src/errors/app-error';
import type { CatalogModel, ModelCatalog } from '../../src/model-store/model-catalog';
import { parseModelCatalog } from '../../src/model-store/model-catalog';
import { fetchModel } from '../../src/model-store/model-fetcher';
import { gitBlobSha1 } from '../../src/model-store/model-hash';
import { resolveModelDir } from '../../src/model-store/model-resolver';
import { startLocalHttpServer } from '../helpers/local-http-server';

/**
 * A mirror on 127.0.0.1 that misbehaves on demand. Every route honours `Range: bytes=N-`
 * (206 + Content-Range) unless told otherwise.
 */
type Behaviour =
  | { kind: 'serve'; body: Buffer }
  | { kind: 'ignoreRange'; body: Buffer }
  | { kind: 'wrongRange'; body: Buffer }
  /** Declares the full length, sends `sendBytes`, then drops the connection (a killed transfer). */
  | { kind: 'kill'; body: Buffer; sendBytes: number }
  /** No Content-Length, ends cleanly after `sendBytes`: a truncated file that looks complete. */
  | { kind: 'truncate'; body: Buffer; sendBytes: number };

interface Mirror {
  baseUrl: string;
  routes: Map<string, Behaviour>;
  /** `path range` of every request. */
  requests: string[];
  close(): Promise<void>;
}

function answer(req: http.IncomingMessage, res: http.ServerResponse, b: Behaviour): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range === null ? 0 : Number(range[1]);
  if (b.kind === 'kill') {
    res.writeHead(200, { 'content-length': b.body.length });
    // FIN, not RST: a reset may make the client's kernel drop bytes it had already received.
    res.write(b.body.subarray(0, b.sendBytes), () => res.socket?.end());
  } else if (b.kind === 'truncate') {
    res.writeHead(200).end(b.body.subarray(0, b.sendBytes));
  } else if (range === null || b.kind === 'ignoreRange') {
    res.writeHead(200, { 'content-length': b.body.length }).end(b.body);
  } else if (start >= b.body.length) {
    res.writeHead(416, { 'content-range': `bytes */${b.body.length}` }).end();
  } else {
    const shown = b.kind === 'wrongRange' ? 0 : start;
    res
      .writeHead(206, {
        'content-length': b.body.length - start,
        'content-range': `bytes ${shown}-${b.body.length - 1}/${b.body.length}`,
      })
      .end(b.body.subarray(start));
  }
}

async function startMirror(): Promise<Mirror> {
  const routes = new Map<string, Behaviour>();
  const requests: string[] = [];
  const server = await startLocalHttpServer((req, res) => {
    requests.push(`${req.url ?? ''} ${req.headers.range ?? '-'}`);
    const route = routes.get(req.url ?? '');
    if (route === undefined) res.writeHead(404).end();
    else answer(req, res, route);
  });
  return { baseUrl: server.baseUrl, routes, requests, close: server.close };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const files = {
  config: Buffer.from('{"embed_dim":4,"note":"no published hash"}\n'),
  visual: randomBytes(400_000),
  tokenizer: Buffer.from('{"model":{"type":"BPE"}}\n'),
};

/** config.json unpinned (recorded on first download), the ONNX file and tokenizer pinned. */
function testCatalog(baseUrl: string): ModelCatalog {
  const url = (p: string): string => `${baseUrl}/repo/${p}`;
  return parseModelCatalog({
    defaultModel: 'test-model',
    models: [
      {
        name: 'test-model',
        dims: 4,
        description: 'fake model served by the test',
        license: 'MIT',
        source: { repo: 'test/repo', revision: 'main' },
        files: [
          { path: 'config.json', url: url('config.json'), sizeBytes: null, hash: null },
          {
            path: 'visual/model.onnx',
            url: url('visual/model.onnx'),
            sizeBytes: files.visual.length,
            hash: { kind: 'sha256', value: sha256(files.visual), source: 'test' },
          },
          {
            path: 'textual/tokenizer.json',
            url: url('textual/tokenizer.json'),
            sizeBytes: null,
            hash: { kind: 'gitBlobSha1', value: gitBlobSha1(files.tokenizer), source: 'test' },
          },
        ],
      },
    ],
  });
}

function serveAll(mirror: Mirror): void {
  mirror.routes.set('/repo/config.json', { kind: 'serve', body: files.config });
  mirror.routes.set('/repo/visual/model.onnx', { kind: 'serve', body: files.visual });
  mirror.routes.set('/repo/textual/tokenizer.json', { kind: 'serve', body: files.tokenizer });
}

function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function failure(promise: Promise<unknown>): Promise<ModelUnavailableError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelUnavailableError);
  expect((error as ModelUnavailableError).code).toBe(ErrorCode.MODEL_UNAVAILABLE);
  return error as ModelUnavailableError;
}

describe('model integrity against a misbehaving local mirror', () => {
  let mirror: Mirror;
  let modelsDir: string;
  let catalog: ModelCatalog;
  let model: CatalogModel;
  const modelDir = (): string => path.join(modelsDir, 'test-model');
  const onnx = (): string => path.join(modelDir(), 'visual', 'model.onnx');
  const fetchAll = (): ReturnType<typeof fetchModel> =>
    fetchModel({ model, modelsDir, allowUnverified: true });
  const resolve = (fetch = false): ReturnType<typeof resolveModelDir> =>
    resolveModelDir({
      model: 'test-model',
      modelsDir,
      fetch,
      catalog,
      fetchOptions: { allowUnverified: true },
    });

  beforeEach(async () => {
    mirror = await startMirror();
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'model-integrity-'));
    catalog = testCatalog(mirror.baseUrl);
    model = catalog.models[0] as CatalogModel;
  });
  afterEach(async () => {
    await mirror.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('records the sha256 of every verified file beside the model folder', async () => {
    serveAll(mirror);
    await fetchAll();
    const record = JSON.parse(
      readFileSync(path.join(modelsDir, 'test-model.hashes.json'), 'utf8'),
    ) as { files: Record<string, { sha256: string; sizeBytes: number }> };
    expect(record.files['config.json']).toEqual({
      sha256: sha256(files.config),
      sizeBytes: files.config.length,
    });
    expect(record.files['visual/model.onnx']?.sha256).toBe(sha256(files.visual));
    expect(listTree(modelDir())).toEqual([
      'config.json',
      'textual/tokenizer.json',
      'visual/model.onnx',
    ]);
  });

  it('resumes a killed download with a Range request and leaves no part file', async () => {
    serveAll(mirror);
    mirror.routes.set('/repo/visual/model.onnx', {
      kind: 'kill',
      body: files.visual,
      sendBytes: 150_000,
    });
    await failure(fetchAll());
    const partSize = readFileSync(`${onnx()}.part`).length;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThan(files.visual.length);

    mirror.routes.set('/repo/visual/model.onnx', { kind: 'serve', body: files.visual });
    const result = await fetchAll();
    expect(result.files.find((f) => f.path === 'visual/model.onnx')?.verified).toBe(true);
    expect(mirror.requests).toContain(`/repo/visual/model.onnx bytes=${partSize}-`);
    expect(readFileSync(onnx()).equals(files.visual)).toBe(true);
    expect(existsSync(`${onnx()}.part`)).toBe(false);
  });

  it.each(['ignoreRange', 'wrongRange'] as const)(
    'starts over when the server answers a resume with %s',
    async (kind) => {
      serveAll(mirror);
      mkdirSync(path.dirname(onnx()), { recursive: true });
      writeFileSync(`${onnx()}.part`, randomBytes(1000)); // a part that must not be trusted
      mirror.routes.set('/repo/visual/model.onnx', { kind, body: files.visual });
      await fetchAll();
      expect(readFileSync(onnx()).equals(files.visual)).toBe(true);
      expect(existsSync(`${onnx()}.part`)).toBe(false);
    },
  );

  it('keeps a truncated download for the next run, which completes it', async () => {
    serveAll(mirror);
    mirror.routes.set('/repo/visual/model.onnx', {
      kind: 'truncate',
      body: files.visual,
      sendBytes: 100_000,
    });
    const error = await failure(fetchAll());
    expect(error.details['reason']).toContain('received 100000');
    mirror.routes.set('/repo/visual/model.onnx', { kind: 'serve', body: files.visual });
    await fetchAll();
    expect(mirror.requests).toContain('/repo/visual/model.onnx bytes=100000-');
    expect(readFileSync(onnx()).equals(files.visual)).toBe(true);
  });

  it('refuses a file longer than the catalog says and keeps nothing of it', async () => {
    serveAll(mirror);
    const longer = Buffer.concat([files.visual, Buffer.from('extra')]);
    mirror.routes.set('/repo/visual/model.onnx', { kind: 'serve', body: longer });
    await failure(fetchAll());
    expect(listTree(modelDir())).not.toContain('visual/model.onnx.part');
    expect(listTree(modelDir())).not.toContain('visual/model.onnx');
  });

  it('refuses NUL bytes served as an unpinned config.json', async () => {
    serveAll(mirror);
    mirror.routes.set('/repo/config.json', { kind: 'serve', body: Buffer.alloc(196) });
    const error = await failure(fetchAll());
    expect(error.details['reason']).toContain('config.json is not valid JSON');
    expect(error.details['retryCommand']).toBe(
      'npm run models:fetch -- test-model --allow-unverified',
    );
    expect(existsSync(path.join(modelDir(), 'config.json'))).toBe(false);
  });

  it('removes temp files of earlier versions, which could never be resumed', async () => {
    serveAll(mirror);
    mkdirSync(path.dirname(onnx()), { recursive: true });
    writeFileSync(`${onnx()}.4242.deadbeef.part`, 'old');
    await fetchAll();
    expect(listTree(modelDir())).toEqual([
      'config.json',
      'textual/tokenizer.json',
      'visual/model.onnx',
    ]);
  });

  describe('at start-up', () => {
    beforeEach(async () => {
      serveAll(mirror);
      await fetchAll();
    });

    it('accepts an intact model without a request', async () => {
      const before = mirror.requests.length;
      await expect(resolve(true)).resolves.toMatchObject({ origin: 'cache' });
      expect(mirror.requests).toHaveLength(before);
    });

    it('refuses a same-size corrupted ONNX file, naming it and the repair command', async () => {
      const corrupted = Buffer.from(files.visual);
      corrupted[1234] = (corrupted[1234] as number) ^ 0xff;
      writeFileSync(onnx(), corrupted);
      const error = await failure(resolve(true)); // even with fetching allowed
      expect(error.details['corrupt']).toEqual([
        expect.objectContaining({ file: 'visual/model.onnx', expected: sha256(files.visual) }),
      ]);
      expect(error.details['retryCommand']).toBe(
        'npm run models:fetch -- test-model --allow-unverified',
      );
      expect(error.message).toContain(onnx());

      await fetchAll(); // the repair command
      await expect(resolve()).resolves.toMatchObject({ origin: 'cache' });
      expect(readFileSync(onnx()).equals(files.visual)).toBe(true);
    });

    it('refuses a tampered unpinned JSON file against the recorded hash', async () => {
      writeFileSync(path.join(modelDir(), 'config.json'), '{"embed_dim":8}');
      const error = await failure(resolve());
      expect(error.details['corrupt']).toEqual([
        expect.objectContaining({ file: 'config.json', expected: sha256(files.config) }),
      ]);
    });

    it('treats an unpinned file without a record as missing, to be fetched again', async () => {
      rmSync(path.join(modelsDir, 'test-model.hashes.json'));
      const error = await failure(resolve());
      expect(error.details['missing']).toEqual(['config.json']);
      await expect(resolve(true)).resolves.toMatchObject({ origin: 'fetched' });
      await expect(resolve()).resolves.toMatchObject({ origin: 'cache' });
    });
  });
});
