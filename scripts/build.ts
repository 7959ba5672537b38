/**
 * `npm run build`: the production build in dist/, which `npm start` and the Docker image run.
 *
 * 1. Empties dist/ first: tsc never deletes, so a renamed or removed module would otherwise
 *    live on as stale JavaScript (a worker started by path would even load it).
 * 2. Compiles with tsconfig.build.json (src/ and the commands production runs).
 * 3. Copies every file under src/ that is not TypeScript (the GraphiQL page, its script and
 *    style) to the same place under dist/src/, since tsc emits only what it compiles. Files
 *    outside src/ (schema.graphql, models/catalog.json) stay where they are; the code finds
 *    them by walking up from dist/src/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

function nonTypeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.ts'))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

function main(): void {
  rmSync(DIST, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  } catch {
    // tsc has printed its diagnostics; exit with a failure and no stack trace on top of them.
    process.exit(1);
  }
  const src = path.join(ROOT, 'src');
  for (const file of nonTypeScriptFiles(src)) {
    cpSync(path.join(src, file), path.join(DIST, 'src', file));
  }
}

main();
