/**
 * What checking an API key on every request costs (no cache: each request looks its key up in
 * the SQLite key store, so a revocation applies at once).
 * Run: npx tsx bench/auth.bench.ts [keys=1000] [lookups=100000]
 * Prints µs per authenticate() for an anonymous request (the baseline: no lookup), a valid key,
 * an unknown key and a malformed one, against a store holding `keys` keys.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteApiKeyStore } from '../src/adapters/auth/sqlite-api-key-store';
import { AccessService } from '../src/services/access/access.service';
import { generateApiKey } from '../src/services/access/api-key';

const [keyCount = 1000, lookups = 100_000] = process.argv.slice(2).map(Number);

async function perCall(label: string, run: () => Promise<unknown>, baseline?: number) {
  for (let i = 0; i < 1000; i++) await run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < lookups; i++) await run();
  const us = Number(process.hrtime.bigint() - started) / 1e3 / lookups;
  const ratio = baseline === undefined ? '' : `  (${(us / baseline).toFixed(1)}x anonymous)`;
  process.stdout.write(`${label.padEnd(14)} ${us.toFixed(2)} µs/request${ratio}\n`);
  return us;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pis-auth-bench-'));
  const store = new SqliteApiKeyStore(path.join(dir, 'api-keys.sqlite'));
  const access = new AccessService(store, { mode: 'keys', search: 'open' });
  try {
    let last = '';
    for (let i = 0; i < keyCount; i++) {
      last = (await access.createKey({ name: `k${i}`, scopes: ['catalog:write'] })).key;
    }
    process.stdout.write(`store: ${keyCount} keys, ${lookups} lookups each\n`);
    const base = await perCall('anonymous', () => access.authenticate(undefined));
    await perCall('valid key', () => access.authenticate(last), base);
    await perCall('unknown key', () => access.authenticate(generateApiKey()), base);
    await perCall('malformed', () => access.authenticate('pis_nope'), base);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
