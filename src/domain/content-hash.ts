/**
 * The sha256 of an uploaded photo, hex: what a product image records (`contentSha256`) and
 * what the image-embedding cache is keyed by. Both ask for it on the same upload buffer, so
 * the digest is computed once per buffer (remembered weakly, by identity). A typical product
 * photo (under SYNC_LIMIT) is hashed at once on the calling thread: about 15 µs for 20 KB,
 * where a WebCrypto job cost some 0.3 ms of event-loop time to set up (it copies the bytes);
 * bigger buffers go to libuv's thread pool through WebCrypto, so a 10 MB upload never holds
 * the event loop. Upload buffers are never written after they arrive; a caller that mutates a
 * buffer must not ask for its hash again.
 */
import { createHash, webcrypto } from 'node:crypto';

/** Bytes hashed on the calling thread (about 0.7 ms at 256 KB); above it, the thread pool. */
const SYNC_LIMIT = 256 * 1024;

const digests = new WeakMap<Uint8Array, Promise<string>>();

async function digest(bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength <= SYNC_LIMIT) return createHash('sha256').update(bytes).digest('hex');
  const hash = await webcrypto.subtle.digest('SHA-256', bytes);
  return Buffer.from(hash).toString('hex');
}

export function contentSha256(bytes: Uint8Array): Promise<string> {
  let hash = digests.get(bytes);
  if (hash === undefined) {
    hash = digest(bytes);
    digests.set(bytes, hash);
  }
  return hash;
}
