/**
 * Issue 10, finding "Crash leftovers": each kill -9 left the in-flight uploads' temp files in
 * the OS temp dir, and a restarted service never removed them. The service now spools uploads
 * into its own directory (UPLOAD_TMP_DIR/<pid>, 0700), removes a killed service's directory at
 * start and its own on close. The directory rules run against the real file system; the crash
 * is a real service process, killed with SIGKILL mid-upload, then started again.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { claimUploadTempDir } from '../../src/http/upload-temp-dir';
import { ConfigError } from '../../src/errors/config-error';
import { startServiceProcess } from '../helpers/service-process';
import { toyModelDir } from '../helpers/toy-model';

jest.setTimeout(180_000);

const mode = (p: string) => statSync(p).mode & 0o777;

/** A pid that has just ended (a process we started and waited for). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('claimUploadTempDir', () => {
  let root: string;
  beforeEach(async () => {
    root = path.join(await mkdtemp(path.join(os.tmpdir(), 'pis-upload-dir-')), 'uploads');
  });
  afterEach(() => rm(path.dirname(root), { recursive: true, force: true }));

  it('creates the root and a 0700 directory for this process; release removes it', async () => {
    const claimed = await claimUploadTempDir(root);
    expect(claimed.dir).toBe(path.join(root, String(process.pid)));
    expect(mode(root)).toBe(0o700);
    expect(mode(claimed.dir)).toBe(0o700);
    expect(claimed.leftoverFiles).toBe(0);
    await claimed.release();
    expect(readdirSync(root)).toEqual([]);
  });

  it("removes dead processes' and its own pid's leftovers, and leaves a live one alone", async () => {
    const dead = String(deadPid());
    const live = String(process.ppid);
    for (const owner of [dead, String(process.pid), live]) {
      await mkdir(path.join(root, owner), { recursive: true });
      writeFileSync(path.join(root, owner, 'capacitor-1.tmp'), 'x');
    }
    writeFileSync(path.join(root, 'not-a-pid'), 'x');
    const claimed = await claimUploadTempDir(root);
    expect(claimed.leftoverFiles).toBe(2);
    expect(readdirSync(root).sort()).toEqual([live, String(process.pid), 'not-a-pid'].sort());
    expect(readdirSync(claimed.dir)).toEqual([]);
  });

  it('refuses a root that is a symbolic link, a file or cannot be made, and closes a loose one', async () => {
    const target = mkdtempSync(path.join(os.tmpdir(), 'pis-upload-target-'));
    try {
      await mkdir(path.dirname(root), { recursive: true });
      symlinkSync(target, root);
      await expect(claimUploadTempDir(root)).rejects.toThrow(ConfigError);
      await expect(claimUploadTempDir(root)).rejects.toThrow(/UPLOAD_TMP_DIR: .* symbolic link/);
      rmSync(root);
      writeFileSync(root, 'x');
      await expect(claimUploadTempDir(root)).rejects.toThrow(/UPLOAD_TMP_DIR: .* not a directory/);
      rmSync(root);
      await mkdir(root);
      await chmod(root, 0o777);
      await claimUploadTempDir(root);
      expect(mode(root)).toBe(0o700);
      // A parent that is a file: the root cannot be created.
      writeFileSync(path.join(root, 'plain-file'), 'x');
      await expect(claimUploadTempDir(path.join(root, 'plain-file', 'uploads'))).rejects.toThrow(
        /UPLOAD_TMP_DIR: cannot create .* \(ENOTDIR\)/,
      );
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });
});

const SEARCH = 'query($image: Upload) { similarImages(image: $image) { edges { cursor } } }';

/** A multipart upload whose file part starts but never ends (5 MB announced, 1 MB sent). */
function unfinishedUpload(graphqlUrl: string): http.ClientRequest {
  const boundary = 'unfinished-upload-boundary';
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head =
    field('operations', JSON.stringify({ query: SEARCH, variables: { image: null } })) +
    field('map', JSON.stringify({ 0: ['variables.image'] })) +
    `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="p.jpg"\r\n` +
    'Content-Type: image/jpeg\r\n\r\n';
  const request = http.request(graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + 5 * 1024 * 1024),
      'apollo-require-preflight': 'true',
    },
  });
  request.on('error', () => undefined); // the server dies under it
  request.write(head);
  request.write(Buffer.alloc(1024 * 1024, 7));
  return request;
}

/** Waits (bounded) until the directory holds a non-empty upload temp file; returns its path. */
async function spooledFile(dir: string): Promise<string> {
  for (let i = 0; i < 400; i += 1) {
    const file = readdirSync(dir).find((name) => name.startsWith('capacitor-'));
    if (file !== undefined && statSync(path.join(dir, file)).size > 0) return path.join(dir, file);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no upload temp file appeared in ${dir}`);
}

describe('a service killed mid-upload', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'pis-upload-crash-'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  const env = () => ({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    ORT_INTRA_OP_THREADS: '1',
    MODEL_DIR: toyModelDir(),
    DATA_DIR: path.join(base, 'data'),
    UPLOAD_TMP_DIR: path.join(base, 'uploads'),
    ES_URL: '',
  });

  it('leaves its temp file behind, and the next start removes it', async () => {
    const first = await startServiceProcess(env());
    const firstDir = path.join(base, 'uploads', String(first.pid));
    expect(mode(firstDir)).toBe(0o700);
    const request = unfinishedUpload(first.graphqlUrl);
    const leftover = await spooledFile(firstDir);
    await first.kill();
    request.destroy();
    // The finding, reproduced: nothing cleaned up after SIGKILL. (Other temp files of the
    // process land here too, e.g. ONNX Runtime's empty mat-debug-<pid>.log.)
    expect(readdirSync(firstDir)).toContain(path.basename(leftover));

    const second = await startServiceProcess(env());
    const secondDir = path.join(base, 'uploads', String(second.pid));
    expect(readdirSync(path.join(base, 'uploads'))).toEqual([String(second.pid)]);
    expect(mode(secondDir)).toBe(0o700);
    // Its uploads go to its own directory too.
    const again = unfinishedUpload(second.graphqlUrl);
    expect(path.dirname(await spooledFile(secondDir))).toBe(secondDir);
    again.destroy();
    expect(await second.stop()).toBe(0);
    expect(readdirSync(path.join(base, 'uploads'))).toEqual([]);
  });
});
