import { ForbiddenError, UnauthenticatedError, isAppError } from '../../../../src/errors/app-error';
import type { AccessPolicy, Principal } from '../../../../src/services/access/access.service';
import { AccessService } from '../../../../src/services/access/access.service';
import {
  generateApiKey,
  hashApiKey,
  looksLikeApiKey,
  sameHash,
} from '../../../../src/services/access/api-key';
import { grants, parseScopes } from '../../../../src/services/access/scopes';
import { expectCode } from '../../../helpers/expect-code';
import { InMemoryApiKeyStore } from '../../../fakes/in-memory-api-key-store';

const KEYS: AccessPolicy = { mode: 'keys', search: 'open' };

function codeOfAuthorise(
  access: AccessService,
  principal: Principal,
  op: 'search' | 'catalog:write' | 'admin',
) {
  try {
    access.authorise(principal, op);
    return 'allowed';
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
}

describe('API key material', () => {
  it('makes pis_ keys of 32 random bytes, each different', () => {
    const keys = new Set(Array.from({ length: 100 }, generateApiKey));
    expect(keys.size).toBe(100);
    for (const key of keys) {
      expect(key).toMatch(/^pis_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(4), 'base64url')).toHaveLength(32);
      expect(looksLikeApiKey(key)).toBe(true);
    }
    expect(looksLikeApiKey('pis_short')).toBe(false);
    expect(looksLikeApiKey(`xyz_${'a'.repeat(43)}`)).toBe(false);
  });

  it('hashes with sha256 (hex) and compares hashes exactly', () => {
    expect(hashApiKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const h = hashApiKey(generateApiKey());
    expect(sameHash(h, h)).toBe(true);
    expect(sameHash(h, hashApiKey(generateApiKey()))).toBe(false);
    expect(sameHash(h, h.slice(0, 62))).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });
});

describe('scopes', () => {
  it('parses comma or space lists in a fixed order, refusing unknown names', () => {
    expect(parseScopes('catalog:write, search search')).toEqual(['search', 'catalog:write']);
    expect(() => parseScopes('search,write')).toThrow(TypeError);
    expect(() => parseScopes(' , ')).toThrow(TypeError);
  });

  it('lets admin imply every scope, and nothing else imply another', () => {
    expect(grants(['admin'], 'catalog:write')).toBe(true);
    expect(grants(['admin'], 'search')).toBe(true);
    expect(grants(['search'], 'catalog:write')).toBe(false);
    expect(grants(['catalog:write'], 'search')).toBe(false);
    expect(grants(['catalog:write'], 'admin')).toBe(false);
  });
});

describe('AccessService', () => {
  let store: InMemoryApiKeyStore;
  let access: AccessService;
  beforeEach(() => {
    store = new InMemoryApiKeyStore();
    access = new AccessService(store, KEYS, () => new Date('2026-01-01T00:00:00Z'));
  });

  it('stores only the hash of a created key and authenticates the key to its scopes', async () => {
    const { key, info } = await access.createKey({ name: 'ci', scopes: ['catalog:write'] });
    const stored = store.records.get(info.id);
    expect(stored?.hash).toBe(hashApiKey(key));
    expect(JSON.stringify([...store.records.values()])).not.toContain(key);
    expect(info).not.toHaveProperty('hash');
    expect(await access.authenticate(key)).toEqual({
      kind: 'key',
      keyId: info.id,
      name: 'ci',
      scopes: ['catalog:write'],
    });
  });

  it('rejects malformed keys without a store lookup, and unknown or revoked ones after one', async () => {
    expect(await access.authenticate('nope')).toEqual({
      kind: 'rejected',
      reason: 'MALFORMED_KEY',
    });
    expect(store.lookups).toHaveLength(0);
    expect(await access.authenticate(generateApiKey())).toEqual({
      kind: 'rejected',
      reason: 'UNKNOWN_KEY',
    });
    const { key, info } = await access.createKey({ name: 'old', scopes: ['admin'] });
    await access.revokeKey(info.id);
    expect(await access.authenticate(key)).toEqual({ kind: 'rejected', reason: 'REVOKED_KEY' });
    expect(await access.authenticate(undefined)).toEqual({ kind: 'anonymous' });
  });

  it('refuses writes with UNAUTHENTICATED without a key and FORBIDDEN without the scope', async () => {
    const searchOnly = await access.createKey({ name: 's', scopes: ['search'] });
    const writer = await access.createKey({ name: 'w', scopes: ['catalog:write'] });
    const admin = await access.createKey({ name: 'a', scopes: ['admin'] });
    const anonymous: Principal = { kind: 'anonymous' };
    expect(codeOfAuthorise(access, anonymous, 'catalog:write')).toBe('UNAUTHENTICATED');
    expect(codeOfAuthorise(access, anonymous, 'search')).toBe('allowed');
    const s = await access.authenticate(searchOnly.key);
    expect(codeOfAuthorise(access, s, 'catalog:write')).toBe('FORBIDDEN');
    const w = await access.authenticate(writer.key);
    expect(codeOfAuthorise(access, w, 'catalog:write')).toBe('allowed');
    expect(codeOfAuthorise(access, w, 'admin')).toBe('FORBIDDEN');
    const a = await access.authenticate(admin.key);
    expect(codeOfAuthorise(access, a, 'catalog:write')).toBe('allowed');
    expect(codeOfAuthorise(access, a, 'admin')).toBe('allowed');
  });

  it('says why in details, and refuses a bad key even where no key is needed', () => {
    const rejected: Principal = { kind: 'rejected', reason: 'REVOKED_KEY' };
    expect(() => access.authorise(rejected, 'search')).toThrow(UnauthenticatedError);
    try {
      access.authorise({ kind: 'key', keyId: 'key_1', name: 'x', scopes: ['search'] }, 'admin');
    } catch (error) {
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).details).toMatchObject({ requiredScope: 'admin' });
    }
    expect.assertions(3);
  });

  it('asks for the search scope only with AUTH_SEARCH=key, and for nothing with AUTH_MODE=off', async () => {
    const closed = new AccessService(store, { mode: 'keys', search: 'key' });
    expect(codeOfAuthorise(closed, { kind: 'anonymous' }, 'search')).toBe('UNAUTHENTICATED');
    const writer = await closed.createKey({ name: 'w', scopes: ['catalog:write'] });
    expect(codeOfAuthorise(closed, await closed.authenticate(writer.key), 'search')).toBe(
      'FORBIDDEN',
    );
    const off = new AccessService(store, { mode: 'off', search: 'open' });
    expect(await off.authenticate('garbage')).toEqual({ kind: 'anonymous' });
    expect(codeOfAuthorise(off, { kind: 'anonymous' }, 'catalog:write')).toBe('allowed');
    expect(codeOfAuthorise(off, { kind: 'anonymous' }, 'admin')).toBe('allowed');
  });

  it('validates names and scopes, and reports an unknown id on revoke', async () => {
    await expectCode(access.createKey({ name: '  ', scopes: ['search'] }), 'BAD_USER_INPUT');
    await expectCode(access.createKey({ name: 'x', scopes: [] }), 'BAD_USER_INPUT');
    await expectCode(access.revokeKey('key_missing'), 'NOT_FOUND');
  });

  it('keeps the first revocation time when revoked twice', async () => {
    const { info } = await access.createKey({ name: 'x', scopes: ['search'] });
    const first = await access.revokeKey(info.id);
    const again = await access.revokeKey(info.id);
    expect(again.revokedAt).toEqual(first.revokedAt);
  });
});
