/**
 * The sha256 of an uploaded photo, hex: what a product image records (`contentSha256`) and
 * what the image-embedding cache is keyed by. Both ask for it on the same upload buffer, so
 * the digest is computed once per buffer (remembered weakly, by identity) and in libuv's
 * thread pool through WebCrypto, never on the event loop. Upload buffers are never written
 * after they arrive; a caller that mutates a buffer must not ask for its hash again.
 */
import { webcrypto } from 'node:crypto';

const digests = new WeakMap<Uint8Array, Promise<string>>();

async function digest(bytes: Uint8Array): Promise<string> {
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
