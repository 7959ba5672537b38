import { createHash, randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, ModelUnavailableError } from '../../src/errors/app-error';
import type { CatalogModel } from '../../src/model-store/model-catalog';
import { parseModelCatalog } from '../../src/model-store/model-catalog';
import type { FetchProgressEvent } from '../../src/model-store/model-fetcher';
import { fetchModel } from '../../src/model-store/model-fetcher';
import { gitBlobSha1 } from '../../src/model-store/model-hash';
import { expectCode } from '../helpers/expect-code';
import { startLocalHttpServer } from '../helpers/local-http-server';

/** A route answers with bytes, a redirect, a status, or headers and then silence. */
type Route =
  | { body: Buffer }
  | { redirect: string }
  | { status: number }
  | { stallAfter: Buffer; declaredLength: number };

interface FakeMirror {
  baseUrl: string;
  routes: Map<string, Route>;
  /** Every path requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

async function startMirror(): Promise<FakeMirror> {
  const routes = new Map<string, Route>();
  const requests: string[] = [];
  const server = await startLocalHttpServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const route = routes.get(url);
    if (route === undefined) {
      res.writeHead(404).end('not found');
    } else if ('body' in route) {
      res.writeHead(200, { 'content-length': route.body.length }).end(route.body);
    } else if ('redirect' in route) {
      res.writeHead(302, { location: route.redirect }).end();
    } else if ('status' in route) {
      res.writeHead(route.status).end();
    } else {
      res.writeHead(200, { 'content-length': route.declaredLength });
      res.write(route.stallAfter); // ...and never the rest
    }
  });
  return { baseUrl: server.baseUrl, routes, requests, close: server.close };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const files = {
  config: Buffer.from('{"embed_dim":4}\n'),
  visual: randomBytes(300_000),
  tokenizer: Buffer.from('{"model":{"type":"BPE"}}\n'),
};

/** A catalog whose URLs point at the mirror, hashes of both published kinds. */
function testModel(baseUrl: string, overrides: { tokenizerHash?: null } = {}): CatalogModel {
  const url = (p: string): string => `${baseUrl}/repo/${p}`;
  const catalog = parseModelCatalog({
    defaultModel: 'test-model',
    models: [
      {
        name: 'test-model',
        dims: 4,
        description: 'fake model served by the test',
        license: 'MIT',
        source: { repo: 'test/repo', revision: 'main' },
        files: [
          {
            path: 'config.json',
            url: url('config.json'),
            sizeBytes: files.config.length,
            hash: { kind: 'gitBlobSha1', value: gitBlobSha1(files.config), source: 'test' },
          },
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
            hash:
              overrides.tokenizerHash === null
                ? null
                : { kind: 'gitBlobSha1', value: gitBlobSha1(files.tokenizer), source: 'test' },
          },
        ],
      },
    ],
  });
  return catalog.models[0] as CatalogModel;
}

function serveAll(mirror: FakeMirror): void {
  mirror.routes.set('/repo/config.json', { body: files.config });
  mirror.routes.set('/repo/visual/model.onnx', { body: files.visual });
  mirror.routes.set('/repo/textual/tokenizer.json', { body: files.tokenizer });
}

/** Every file under dir, relative, so a leftover .part file would show up. */
function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function expectUnavailable(promise: Promise<unknown>): Promise<ModelUnavailableError> {
  const typed = await expectCode(promise, ErrorCode.MODEL_UNAVAILABLE);
  expect(typed).toBeInstanceOf(ModelUnavailableError);
  expect(typed.details['model']).toBe('test-model');
  return typed as ModelUnavailableError;
}

describe('fetchModel against a local mirror', () => {
  let mirror: FakeMirror;
  let modelsDir: string;

  beforeEach(async () => {
    mirror = await startMirror();
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'model-fetch-'));
  });
  afterEach(async () => {
    await mirror.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('downloads every file, verifies both hash kinds and reports progress', async () => {
    serveAll(mirror);
    const events: FetchProgressEvent[] = [];
    const result = await fetchModel({
      model: testModel(mirror.baseUrl),
      modelsDir,
      onProgress: (event) => events.push(event),
    });

    const modelDir = path.join(modelsDir, 'test-model');
    expect(result.modelDir).toBe(modelDir);
    expect(result.files).toEqual([
      { path: 'config.json', status: 'downloaded', verified: true },
      { path: 'visual/model.onnx', status: 'downloaded', verified: true },
      { path: 'textual/tokenizer.json', status: 'downloaded', verified: true },
    ]);
    expect(readFileSync(path.join(modelDir, 'visual/model.onnx')).equals(files.visual)).toBe(true);
    expect(listTree(modelDir)).toEqual([
      'config.json',
      'textual/tokenizer.json',
      'visual/model.onnx',
    ]);

    const visual = events.filter((e) => e.file === 'visual/model.onnx');
    expect(visual[0]).toMatchObject({ kind: 'start', receivedBytes: 0, totalBytes: 300_000 });
    expect(visual.at(-1)).toMatchObject({ kind: 'done', receivedBytes: 300_000 });
    const received = visual.filter((e) => e.kind === 'data').map((e) => e.receivedBytes);
    expect(received.length).toBeGreaterThan(0);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(received.at(-1)).toBe(300_000);
    // No size in the catalog: the total comes from Content-Length.
    const tokenizerStart = events.find(
      (e) => e.file === 'textual/tokenizer.json' && e.kind === 'start',
    );
    expect(tokenizerStart?.totalBytes).toBe(files.tokenizer.length);
  });

  it('does not download files already present with a matching hash', async () => {
    serveAll(mirror);
    const model = testModel(mirror.baseUrl);
    await fetchModel({ model, modelsDir });
    expect(mirror.requests).toHaveLength(3);

    const events: FetchProgressEvent[] = [];
    const again = await fetchModel({ model, modelsDir, onProgress: (e) => events.push(e) });
    expect(mirror.requests).toHaveLength(3);
    expect(again.files.map((f) => f.status)).toEqual(['present', 'present', 'present']);
    expect(events.map((e) => e.kind)).toEqual(['skip', 'skip', 'skip']);
  });

  it('downloads again a present file whose bytes do not match', async () => {
    serveAll(mirror);
    const model = testModel(mirror.baseUrl);
    const target = path.join(modelsDir, 'test-model', 'visual', 'model.onnx');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, randomBytes(files.visual.length)); // right size, wrong bytes

    const result = await fetchModel({ model, modelsDir });
    expect(result.files.find((f) => f.path === 'visual/model.onnx')?.status).toBe('downloaded');
    expect(readFileSync(target).equals(files.visual)).toBe(true);
  });

  it('refuses bytes that do not match the hash and leaves nothing at the target', async () => {
    serveAll(mirror);
    mirror.routes.set('/repo/visual/model.onnx', { body: randomBytes(files.visual.length) });

    const error = await expectUnavailable(
      fetchModel({ model: testModel(mirror.baseUrl), modelsDir }),
    );
    expect(error.details['url']).toBe(`${mirror.baseUrl}/repo/visual/model.onnx`);
    expect(error.details['retryCommand']).toBe('npm run models:fetch -- test-model');
    const modelDir = path.join(modelsDir, 'test-model');
    expect(listTree(modelDir)).toEqual(['config.json']); // no model.onnx, no .part file
  });

  it('refuses a git-blob-sha1 mismatch on a small file', async () => {
    serveAll(mirror);
    mirror.routes.set('/repo/textual/tokenizer.json', { body: Buffer.from('{"tampered":1}\n') });
    const error = await expectUnavailable(
      fetchModel({ model: testModel(mirror.baseUrl), modelsDir }),
    );
    expect(error.details['url']).toBe(`${mirror.baseUrl}/repo/textual/tokenizer.json`);
    expect(listTree(path.join(modelsDir, 'test-model'))).not.toContain('textual/tokenizer.json');
  });

  it('names the URL, the status and the retry command on a 404', async () => {
    serveAll(mirror);
    mirror.routes.delete('/repo/visual/model.onnx');
    const error = await expectUnavailable(
      fetchModel({ model: testModel(mirror.baseUrl), modelsDir }),
    );
    expect(error.details).toMatchObject({
      url: `${mirror.baseUrl}/repo/visual/model.onnx`,
      httpStatus: 404,
      retryCommand: 'npm run models:fetch -- test-model',
    });
    expect(error.message).toContain(`${mirror.baseUrl}/repo/visual/model.onnx`);
    expect(error.message).toContain('npm run models:fetch -- test-model');
  });

  it('follows redirects', async () => {
    serveAll(mirror);
    mirror.routes.set('/repo/visual/model.onnx', { redirect: '/cdn/blob' });
    mirror.routes.set('/cdn/blob', { body: files.visual });
    const result = await fetchModel({ model: testModel(mirror.baseUrl), modelsDir });
    expect(result.files.every((f) => f.verified)).toBe(true);
    expect(mirror.requests).toContain('/cdn/blob');
  });

  it('fetches from a mirror root when baseUrl is given', async () => {
    const model = testModel('http://127.0.0.1:9'); // catalog URLs that must not be used
    mirror.routes.set('/test-model/config.json', { body: files.config });
    mirror.routes.set('/test-model/visual/model.onnx', { body: files.visual });
    mirror.routes.set('/test-model/textual/tokenizer.json', { body: files.tokenizer });
    const result = await fetchModel({ model, modelsDir, baseUrl: `${mirror.baseUrl}/` });
    expect(result.files.map((f) => f.status)).toEqual(['downloaded', 'downloaded', 'downloaded']);
  });

  it('refuses a file without a published hash unless allowUnverified, before any request', async () => {
    serveAll(mirror);
    const model = testModel(mirror.baseUrl, { tokenizerHash: null });
    const error = await expectUnavailable(fetchModel({ model, modelsDir }));
    expect(error.details['retryCommand']).toBe(
      'npm run models:fetch -- test-model --allow-unverified',
    );
    expect(mirror.requests).toHaveLength(0);

    const result = await fetchModel({ model, modelsDir, allowUnverified: true });
    expect(result.files.find((f) => f.path === 'textual/tokenizer.json')).toEqual({
      path: 'textual/tokenizer.json',
      status: 'downloaded',
      verified: false,
    });
  });

  it('gives up on a stalled download, keeping only the part file the next run resumes', async () => {
    serveAll(mirror);
    mirror.routes.set('/repo/visual/model.onnx', {
      stallAfter: files.visual.subarray(0, 1000),
      declaredLength: files.visual.length,
    });
    const error = await expectUnavailable(
      fetchModel({ model: testModel(mirror.baseUrl), modelsDir, stallTimeoutMs: 150 }),
    );
    expect(error.details['url']).toBe(`${mirror.baseUrl}/repo/visual/model.onnx`);
    expect(listTree(path.join(modelsDir, 'test-model'))).toEqual([
      'config.json',
      'visual/model.onnx.part',
    ]);
    // test/e2e/model-fetch-integrity.test.ts resumes such a part file with a Range request.
  });

  it('reports a refused connection as ModelUnavailableError', async () => {
    const model = testModel(mirror.baseUrl);
    await mirror.close();
    const error = await expectUnavailable(fetchModel({ model, modelsDir }));
    expect(error.details['url']).toBe(`${mirror.baseUrl}/repo/config.json`);
    mirror = await startMirror(); // afterEach closes it
  });
});
