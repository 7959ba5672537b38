import {
  BadUserInputError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
} from '../../errors/app-error';
import type { ApiKeyRecord, ApiKeyStore } from '../../ports/api-key-store.port';
import { generateApiKey, generateKeyId, hashApiKey, looksLikeApiKey, sameHash } from './api-key';
import type { Scope } from './scopes';
import { grants } from './scopes';

/** What the service checks, from config (`AUTH_MODE`, `AUTH_SEARCH`). */
export interface AccessPolicy {
  readonly mode: 'keys' | 'off';
  readonly search: 'open' | 'key';
}

/** Why a presented key authenticates nothing (sent to the client in `details.reason`). */
type RejectReason = 'MALFORMED_KEY' | 'UNKNOWN_KEY' | 'REVOKED_KEY';

/** Who is calling, decided once per request. */
export type Principal =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'key';
      readonly keyId: string;
      readonly name: string;
      readonly scopes: readonly Scope[];
    }
  | { readonly kind: 'rejected'; readonly reason: RejectReason };

/** What a caller may ask for; each maps to the scope it needs (when the policy asks for one). */
export type Operation = 'search' | 'catalog:write' | 'interactions:write' | 'admin';

const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });
const MAX_NAME_LENGTH = 200;

/** A key as listed: everything but its hash. */
export type ApiKeyInfo = Omit<ApiKeyRecord, 'hash'>;

function info(record: ApiKeyRecord): ApiKeyInfo {
  const { hash: _hash, ...rest } = record;
  return rest;
}

/**
 * The access policy: who a presented key belongs to, and whether that principal may run an
 * operation. Keys are checked against the store on every request (an indexed lookup), so a
 * revocation applies from the next request on, in every process sharing the store.
 */
export class AccessService {
  constructor(
    private readonly store: ApiKeyStore,
    readonly policy: AccessPolicy,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The principal behind a presented key (undefined: none was presented). Never throws for bad keys. */
  async authenticate(presented: string | undefined): Promise<Principal> {
    if (presented === undefined || this.policy.mode === 'off') return ANONYMOUS;
    if (!looksLikeApiKey(presented)) return { kind: 'rejected', reason: 'MALFORMED_KEY' };
    const hash = hashApiKey(presented);
    const record = await this.store.findByHash(hash);
    if (record === undefined || !sameHash(record.hash, hash)) {
      return { kind: 'rejected', reason: 'UNKNOWN_KEY' };
    }
    if (record.revokedAt !== undefined) return { kind: 'rejected', reason: 'REVOKED_KEY' };
    return { kind: 'key', keyId: record.id, name: record.name, scopes: record.scopes };
  }

  /** The scope an operation needs under this policy, or undefined when it is open. */
  requiredScope(operation: Operation): Scope | undefined {
    if (this.policy.mode === 'off') return undefined;
    if (operation === 'search' && this.policy.search === 'open') return undefined;
    return operation;
  }

  /**
   * Throws UnauthenticatedError (no valid key where one is needed; a presented key that is bad
   * is refused even for open operations, so a revoked key never silently passes as anonymous)
   * or ForbiddenError (a valid key without the scope). Returns when the operation is allowed.
   */
  authorise(principal: Principal, operation: Operation): void {
    const required = this.requiredScope(operation);
    if (this.policy.mode === 'off') return;
    if (principal.kind === 'rejected') {
      throw new UnauthenticatedError(`The API key is not valid (${principal.reason})`, {
        reason: principal.reason,
      });
    }
    if (required === undefined) return;
    if (principal.kind === 'anonymous') {
      throw new UnauthenticatedError(
        `This operation needs an API key with the ${required} scope: send Authorization: Bearer <key>`,
        { reason: 'MISSING_KEY', requiredScope: required },
      );
    }
    if (!grants(principal.scopes, required)) {
      throw new ForbiddenError(`The API key ${principal.keyId} lacks the ${required} scope`, {
        requiredScope: required,
        keyId: principal.keyId,
        scopes: principal.scopes,
      });
    }
  }

  /** Creates a key; the returned `key` is the only copy there will ever be. */
  async createKey(args: {
    readonly name: string;
    readonly scopes: readonly Scope[];
  }): Promise<{ key: string; info: ApiKeyInfo }> {
    const name = args.name.trim();
    if (name === '' || name.length > MAX_NAME_LENGTH) {
      throw new BadUserInputError(`A key name must have 1 to ${MAX_NAME_LENGTH} characters`, {
        argument: 'name',
        maxLength: MAX_NAME_LENGTH,
      });
    }
    if (args.scopes.length === 0) {
      throw new BadUserInputError('A key needs at least one scope', { argument: 'scopes' });
    }
    const key = generateApiKey();
    const record: ApiKeyRecord = {
      id: generateKeyId(),
      name,
      scopes: [...args.scopes],
      hash: hashApiKey(key),
      createdAt: this.now(),
      revokedAt: undefined,
    };
    await this.store.insert(record);
    return { key, info: info(record) };
  }

  async listKeys(): Promise<ApiKeyInfo[]> {
    return (await this.store.list()).map(info);
  }

  /** Revokes a key by id; NotFoundError for an unknown id. Revoking twice is harmless. */
  async revokeKey(id: string): Promise<ApiKeyInfo> {
    const record = await this.store.revoke(id, this.now());
    if (record === undefined) throw new NotFoundError(`No API key has the id ${id}`, { id });
    return info(record);
  }
}
