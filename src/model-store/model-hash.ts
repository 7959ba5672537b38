/**
 * The two hash kinds a model repository publishes: sha256 (Git LFS files) and the git blob
 * sha1 (small files kept in git itself).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { HashKind } from './model-catalog';

/** git's object id of a file: sha1("blob <byteLength>\0" + bytes), as `git hash-object` prints. */
export function gitBlobSha1(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Hashes a file by streaming it, so a 350 MB model never sits in memory. */
export async function hashFile(filePath: string, kind: HashKind): Promise<string> {
  let hash;
  switch (kind) {
    case 'sha256':
      hash = createHash('sha256');
      break;
    case 'gitBlobSha1': {
      // The header needs the length before any content, hence the stat first.
      const { size } = await stat(filePath);
      hash = createHash('sha1').update(`blob ${size}\0`);
      break;
    }
  }
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
