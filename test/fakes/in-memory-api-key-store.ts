import type { ApiKeyRecord, ApiKeyStore } from '../../src/ports/api-key-store.port';
import { AccessService } from '../../src/services/access/access.service';
import type { AccessPolicy } from '../../src/services/access/access.service';

/** An ApiKeyStore in a Map, recording lookups, for unit tests and hand-built HTTP apps. */
export class InMemoryApiKeyStore implements ApiKeyStore {
  readonly records = new Map<string, ApiKeyRecord>();
  readonly lookups: string[] = [];

  async insert(record: ApiKeyRecord): Promise<void> {
    this.records.set(record.id, record);
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    this.lookups.push(hash);
    return [...this.records.values()].find((r) => r.hash === hash);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return [...this.records.values()];
  }

  async revoke(id: string, at: Date): Promise<ApiKeyRecord | undefined> {
    const record = this.records.get(id);
    if (record === undefined) return undefined;
    const revoked = { ...record, revokedAt: record.revokedAt ?? at };
    this.records.set(id, revoked);
    return revoked;
  }

  async close(): Promise<void> {}
}

/** An AccessService over an empty in-memory store; `mode: 'off'` by default (checks nothing). */
export function accessFor(policy: AccessPolicy = { mode: 'off', search: 'open' }): AccessService {
  return new AccessService(new InMemoryApiKeyStore(), policy);
}
