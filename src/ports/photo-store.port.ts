/** A kept original photo. */
export interface StoredPhoto {
  readonly bytes: Uint8Array;
  /** Sniffed from the bytes when stored (image/jpeg, image/png, ...). */
  readonly contentType: string;
}

/**
 * Keeps the original bytes of indexed photos, content-addressed by their sha256 (hex), so a
 * storefront can show the matched photo and a later model change can re-embed the catalog
 * without asking anyone to upload again.
 *
 * Invariants every adapter keeps:
 * - `put` is idempotent and resolves only once the bytes are durable (a crash after it resolves
 *   never loses them, and never leaves a partial file under the final name).
 * - `get` returns exactly the bytes put under that hash, or null; a malformed hash is null.
 * - `delete` removes what is there and ignores unknown hashes. The caller decides when a
 *   photo is no longer referenced by any product.
 * - Failures throw IndexUnavailableError (the store is part of the catalog's durable state).
 */
export interface PhotoStore {
  put(sha256: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(sha256: string): Promise<StoredPhoto | null>;
  delete(sha256s: readonly string[]): Promise<void>;
}
