import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { contentSha256 } from '../../domain/content-hash';
import { IndexUnavailableError } from '../../errors/app-error';
import type { PhotoStore, StoredPhoto } from '../../ports/photo-store.port';
import { sniffContentType } from './photo-sniff';

const SHA256 = /^[0-9a-f]{64}$/;
/** Temp files are dot-files in the shard folder, so a crash never leaves one under a hash name. */
const TEMP_PREFIX = '.tmp-';

/** True for a lower-case hex sha256; anything else never reaches a path. */
function isSha256(value: string): boolean {
  return SHA256.test(value);
}

function unavailable(operation: string, error: unknown): IndexUnavailableError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new IndexUnavailableError(
    'The photo store failed',
    { operation, reason: code ?? 'UNKNOWN' },
    { cause: error },
  );
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** fsync of a folder, so a rename or a new entry in it survives a power cut. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The PhotoStore on a local (or mounted) folder: `<dir>/<first two hex digits>/<sha256>`.
 * A put writes a temp file in the same shard folder, fsyncs it, renames it over the final name
 * and fsyncs the folder, so a crash leaves either nothing or the whole photo under its hash;
 * leftover temp files are removed by `open`. The content type is sniffed from the bytes at
 * read (no sidecar to drift). A put checks that the bytes hash to the name they are put under.
 */
export class FsPhotoStore implements PhotoStore {
  private readonly knownShards = new Set<string>();

  private constructor(private readonly dir: string) {}

  /** Creates the folder if needed and removes temp files a crash left behind. */
  static async open(dir: string): Promise<FsPhotoStore> {
    const store = new FsPhotoStore(path.resolve(dir));
    try {
      await mkdir(store.dir, { recursive: true });
      await store.removeLeftovers();
    } catch (error) {
      throw unavailable('open', error);
    }
    return store;
  }

  async put(sha256: string, bytes: Uint8Array, contentType: string): Promise<void> {
    void contentType; // sniffed again at read: the bytes are the only record of the type
    if (!isSha256(sha256)) throw new TypeError(`put: not a lower-case hex sha256: ${sha256}`);
    if ((await contentSha256(bytes)) !== sha256) {
      throw new TypeError(`put: the bytes do not hash to ${sha256}`);
    }
    const final = this.pathOf(sha256);
    try {
      if (await exists(final)) return;
      const shard = await this.shard(sha256);
      const temp = path.join(shard, `${TEMP_PREFIX}${sha256}-${randomBytes(6).toString('hex')}`);
      try {
        await writeDurably(temp, bytes);
        await rename(temp, final);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await syncDir(shard);
    } catch (error) {
      throw unavailable('put', error);
    }
  }

  async get(sha256: string): Promise<StoredPhoto | null> {
    if (!isSha256(sha256)) return null;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(sha256));
    } catch (error) {
      if (isMissing(error)) return null;
      throw unavailable('get', error);
    }
    return {
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
      contentType: sniffContentType(bytes),
    };
  }

  async delete(sha256s: readonly string[]): Promise<void> {
    const shards = new Set<string>();
    try {
      for (const sha256 of sha256s) {
        if (!isSha256(sha256)) continue;
        try {
          await unlink(this.pathOf(sha256));
          shards.add(path.join(this.dir, sha256.slice(0, 2)));
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
      for (const shard of shards) await syncDir(shard);
    } catch (error) {
      throw unavailable('delete', error);
    }
  }

  private pathOf(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** The shard folder, created (and its creation made durable) the first time it is needed. */
  private async shard(sha256: string): Promise<string> {
    const name = sha256.slice(0, 2);
    const shard = path.join(this.dir, name);
    if (!this.knownShards.has(name)) {
      await mkdir(shard, { recursive: true });
      await syncDir(this.dir);
      this.knownShards.add(name);
    }
    return shard;
  }

  private async removeLeftovers(): Promise<void> {
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !/^[0-9a-f]{2}$/.test(entry.name)) continue;
      this.knownShards.add(entry.name);
      const shard = path.join(this.dir, entry.name);
      for (const file of await readdir(shard)) {
        if (file.startsWith(TEMP_PREFIX)) await rm(path.join(shard, file), { force: true });
      }
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, 'wx', 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
