import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteApiKeyStore } from '../../../../src/adapters/auth/sqlite-api-key-store';
import type { ApiKeyRecord } from '../../../../src/ports/api-key-store.port';
import { AccessService } from '../../../../src/services/access/access.service';
import { createKeyWithCli, keysCli } from '../../../helpers/keys-cli';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pis-keys-'));
  file = path.join(dir, 'api-keys.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function record(id: string, hash: string): ApiKeyRecord {
  return {
    id,
    name: `name of ${id}`,
    scopes: ['search', 'catalog:write'],
    hash,
    createdAt: new Date('2026-01-02T03:04:05.000Z'),
    revokedAt: undefined,
  };
}

it('creates, finds, lists and revokes keys, and keeps them across a reopen', async () => {
  const store = new SqliteApiKeyStore(path.join(dir, 'nested', 'api-keys.sqlite'));
  await store.insert(record('key_a', 'aa'.repeat(32)));
  await store.insert(record('key_b', 'bb'.repeat(32)));
  expect(await store.findByHash('aa'.repeat(32))).toEqual(record('key_a', 'aa'.repeat(32)));
  expect(await store.findByHash('cc'.repeat(32))).toBeUndefined();
  const revoked = await store.revoke('key_b', new Date('2026-02-01T00:00:00.000Z'));
  expect(revoked?.revokedAt).toEqual(new Date('2026-02-01T00:00:00.000Z'));
  expect(await store.revoke('key_zz', new Date())).toBeUndefined();
  await store.close();

  const reopened = new SqliteApiKeyStore(path.join(dir, 'nested', 'api-keys.sqlite'));
  const listed = await reopened.list();
  expect(listed.map((k) => [k.id, k.revokedAt === undefined])).toEqual([
    ['key_a', true],
    ['key_b', false],
  ]);
  expect(listed[0]?.scopes).toEqual(['search', 'catalog:write']);
  await reopened.close();
});

it('keeps a key whose insert resolved, when the process is killed right after', async () => {
  const child = spawn(
    process.execPath,
    // Node itself with tsx's loader, not the tsx wrapper: SIGKILL must hit the writing process.
    ['--import', 'tsx', path.join(__dirname, 'auth-key-store.fixture.ts'), file],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  expect(signal).toBe('SIGKILL');
  expect(stdout).toBe('inserted\n');
  const store = new SqliteApiKeyStore(file);
  expect((await store.list()).map((k) => k.id)).toEqual(['key_crash']);
  await store.close();
});

it('sees keys the CLI creates and revokes while the service holds the store open', async () => {
  const service = new AccessService(new SqliteApiKeyStore(file), {
    mode: 'keys',
    search: 'open',
  });
  // The service keeps reading while four CLI processes write at once.
  let reads = 0;
  let reading = true;
  const reader = (async () => {
    while (reading) {
      await service.authenticate(`pis_${'x'.repeat(43)}`);
      reads += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const created = await Promise.all(
    ['a', 'b', 'c', 'd'].map((name) => createKeyWithCli(dir, name, 'catalog:write')),
  );
  reading = false;
  await reader;
  expect(reads).toBeGreaterThan(0);
  for (const { key, id } of created) {
    expect(await service.authenticate(key)).toMatchObject({ kind: 'key', keyId: id });
  }
  const listed = JSON.parse(await keysCli(dir, ['list', '--json'])) as Array<{ id: string }>;
  expect(listed.map((k) => k.id).sort()).toEqual(created.map((c) => c.id).sort());

  const [first] = created;
  await keysCli(dir, ['revoke', first?.id ?? '']);
  expect(await service.authenticate(first?.key)).toEqual({
    kind: 'rejected',
    reason: 'REVOKED_KEY',
  });
  await service.listKeys();
});
