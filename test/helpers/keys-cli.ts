import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs `npm run keys -- <args>` from the sources (through tsx) with DATA_DIR set; resolves stdout. */
export async function keysCli(dataDir: string, args: readonly string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      path.join(ROOT, 'src', 'cli', 'keys.ts'),
      ...args,
    ],
    { cwd: ROOT, timeout: 60_000, env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test' } },
  );
  return stdout;
}

/** `keys create --json`: the new key and its id. */
export async function createKeyWithCli(
  dataDir: string,
  name: string,
  scopes: string,
): Promise<{ key: string; id: string }> {
  const stdout = await keysCli(dataDir, ['create', '--name', name, '--scopes', scopes, '--json']);
  return JSON.parse(stdout) as { key: string; id: string };
}
