/**
 * Run as a child process: inserts one key record into the store at argv[2], prints its id once
 * insert resolved, then kills itself with SIGKILL (no close, no exit handlers), like a crash.
 */
import { SqliteApiKeyStore } from '../../../../src/adapters/auth/sqlite-api-key-store';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: fixture <store file>');
  const store = new SqliteApiKeyStore(file);
  await store.insert({
    id: 'key_crash',
    name: 'written before a crash',
    scopes: ['catalog:write'],
    hash: 'ab'.repeat(32),
    createdAt: new Date(),
    revokedAt: undefined,
  });
  process.stdout.write('inserted\n', () => process.kill(process.pid, 'SIGKILL'));
}

void main();
