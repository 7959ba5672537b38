/**
 * Where API keys live. The store holds only a key's hash, never the key: a stolen store grants
 * nothing. Records are never deleted, only revoked, so `list` keeps an audit trail.
 *
 * Invariants every adapter keeps:
 * - `insert` is durable when it resolves (a key printed to a user survives a crash).
 * - `findByHash` sees every insert and revoke that resolved before it was called, from any
 *   process sharing the store (the keys CLI and the service): revocation needs no restart.
 * - `revoke` of an already revoked key keeps the first revocation time.
 */
export type Scope = 'search' | 'catalog:write' | 'interactions:write' | 'admin';

export interface ApiKeyRecord {
  /** Public, stable id (`key_…`) used to list and revoke; not a secret. */
  readonly id: string;
  /** Who or what the key is for, as its creator wrote it. */
  readonly name: string;
  readonly scopes: readonly Scope[];
  /** Lower-case hex sha256 of the full key string. */
  readonly hash: string;
  readonly createdAt: Date;
  /** Set once the key is revoked; a revoked key authenticates nothing. */
  readonly revokedAt: Date | undefined;
}

export interface ApiKeyStore {
  insert(record: ApiKeyRecord): Promise<void>;
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, revoked ones included, oldest first. */
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; resolves to the record after it, or undefined for an unknown id. */
  revoke(id: string, at: Date): Promise<ApiKeyRecord | undefined>;
  close(): Promise<void>;
}
