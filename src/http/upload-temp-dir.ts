/**
 * The service's own directory for upload temp files, emptied of a killed process's leftovers at
 * start and removed on close.
 *
 * graphql-upload-ts 2.2 spools each file part to a temp file through its bundled fs-capacitor
 * `WriteStream`, which takes a `tmpdir` option; but its `processRequest` builds it with none
 * (`new WriteStream()` in src/process-request.ts) and `UploadOptions` has no field to pass one,
 * so the file lands in `os.tmpdir()`, which reads `TMPDIR` on every call. Without forking
 * processRequest, the process's `TMPDIR` is the one way to choose the directory: main.ts claims a
 * directory here and points `TMPDIR` at it before it serves. (An upstream `tmpdir` in
 * `UploadOptions`, passed to `new WriteStream({ tmpdir })`, would let each server choose its own.)
 *
 * Layout: `<root>/<pid>`, one directory per running service, so several services on one host
 * can share the root. At start, a directory whose process is gone, or that carries this
 * process's own pid (a container restarted as pid 1 again), is a killed process's leftover and is
 * removed. A pid reused by an unrelated process keeps its leftovers until that process ends.
 */
import { lstat, chmod, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors/config-error';

export interface UploadTempDir {
  /** `<root>/<pid>`, mode 0700: where this process's upload temp files go. */
  readonly dir: string;
  /** Files found (and removed) in leftover directories at start. */
  readonly leftoverFiles: number;
  /** Removes the directory and whatever is still in it. */
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).length;
}

/** The root must be a real directory of ours, closed to other users (it is tightened if loose). */
async function checkRoot(root: string): Promise<void> {
  const stats = await lstat(root);
  const problem = stats.isSymbolicLink()
    ? 'is a symbolic link'
    : !stats.isDirectory()
      ? 'is not a directory'
      : process.getuid !== undefined && stats.uid !== process.getuid()
        ? `belongs to uid ${stats.uid}, not to this process`
        : undefined;
  if (problem !== undefined) {
    throw new ConfigError([
      `UPLOAD_TMP_DIR: ${root} ${problem}; point UPLOAD_TMP_DIR at a directory only this service's user owns`,
    ]);
  }
  if ((stats.mode & 0o077) !== 0) await chmod(root, 0o700);
}

/**
 * Creates `root` (0700) when missing, removes leftover `<pid>` directories, and creates this
 * process's own. Throws ConfigError when `root` is not a directory this user owns.
 */
export async function claimUploadTempDir(root: string, pid = process.pid): Promise<UploadTempDir> {
  const absolute = path.resolve(root);
  try {
    await mkdir(absolute, { recursive: true, mode: 0o700 });
  } catch (error) {
    // A file in the way: checkRoot says so in the configuration's words.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      throw new ConfigError([
        `UPLOAD_TMP_DIR: cannot create ${absolute} (${code ?? String(error)}); point UPLOAD_TMP_DIR at a directory this service's user may create`,
      ]);
    }
  }
  await checkRoot(absolute);
  let leftoverFiles = 0;
  for (const entry of await readdir(absolute, { withFileTypes: true })) {
    if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue;
    const owner = Number(entry.name);
    if (owner !== pid && isAlive(owner)) continue;
    const leftover = path.join(absolute, entry.name);
    leftoverFiles += await countFiles(leftover);
    await rm(leftover, { recursive: true, force: true });
  }
  const dir = path.join(absolute, String(pid));
  await mkdir(dir, { mode: 0o700 });
  return {
    dir,
    leftoverFiles,
    release: () => rm(dir, { recursive: true, force: true }),
  };
}
