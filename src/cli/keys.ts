/**
 * `npm run keys -- create --name NAME --scopes SCOPES [--json]`, `keys list [--json]`,
 * `keys revoke ID [--json]`.
 *
 * Manages the API keys of the store the service reads (`<DATA_DIR>/api-keys.sqlite`, DATA_DIR
 * through loadConfig, so the same variables point both at the same file). It lives in src/ and
 * is compiled to dist/ like the service, because operators run it where the service runs: the
 * production image keeps dist/ and no dev tools (no tsx). The service checks keys against the
 * store on every request, so a created or revoked key takes effect at once, without a restart.
 */
import { Command, InvalidArgumentError } from 'commander';
import { createKeyStore } from '../composition/create-key-store';
import type { AuthSettings } from '../config/load-config';
import { loadConfig } from '../config/load-config';
import { isAppError } from '../errors/app-error';
import { ConfigError } from '../errors/config-error';
import type { ApiKeyInfo } from '../services/access/access.service';
import { AccessService } from '../services/access/access.service';
import type { Scope } from '../services/access/scopes';
import { SCOPES, parseScopes } from '../services/access/scopes';

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readAuthSettings(): AuthSettings {
  try {
    return loadConfig(process.env).auth;
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

function scopesArgument(value: string): Scope[] {
  try {
    return parseScopes(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function describe(key: ApiKeyInfo): string {
  const state = key.revokedAt === undefined ? 'active' : `revoked ${key.revokedAt.toISOString()}`;
  return `${key.id}  ${key.name}  [${key.scopes.join(', ')}]  created ${key.createdAt.toISOString()}  ${state}`;
}

/** Runs one command against a freshly opened store and always closes it. */
async function withAccess(work: (access: AccessService) => Promise<void>): Promise<void> {
  const settings = readAuthSettings();
  const store = createKeyStore(settings);
  try {
    await work(new AccessService(store, settings));
  } catch (error) {
    if (isAppError(error)) fail(`${error.code}: ${error.message}`);
    throw error;
  } finally {
    await store.close();
  }
}

const program = new Command('keys').description('Create, list and revoke API keys');

program
  .command('create')
  .description('create a key and print it (shown this once only)')
  .requiredOption('--name <name>', 'who or what the key is for')
  .requiredOption('--scopes <scopes>', `comma-separated: ${SCOPES.join(', ')}`, scopesArgument)
  .option('--json', 'print JSON')
  .action((options: { name: string; scopes: Scope[]; json?: boolean }) =>
    withAccess(async (access) => {
      const { key, info } = await access.createKey(options);
      if (options.json === true) {
        out(JSON.stringify({ key, ...info }));
        return;
      }
      out(key);
      process.stderr.write(
        `Created ${info.id} (${info.scopes.join(', ')}). Store the key now: it is not shown again.\n`,
      );
    }),
  );

program
  .command('list')
  .description('list every key (never the keys themselves)')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) =>
    withAccess(async (access) => {
      const keys = await access.listKeys();
      if (options.json === true) out(JSON.stringify(keys));
      else if (keys.length === 0) out('no keys');
      else for (const key of keys) out(describe(key));
    }),
  );

program
  .command('revoke')
  .description('revoke a key by id; the running service refuses it from its next request')
  .argument('<id>', 'the key id, as `keys list` shows it')
  .option('--json', 'print JSON')
  .action((id: string, options: { json?: boolean }) =>
    withAccess(async (access) => {
      const info = await access.revokeKey(id);
      out(options.json === true ? JSON.stringify(info) : describe(info));
    }),
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
