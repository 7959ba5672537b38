/**
 * `npm run ingest` as a user runs it (scripts/ingest.ts through the tsx loader), in a child
 * process: its exit code and what it printed on stdout (stderr is drained, not kept). tsx is a
 * loader, not its CLI: the CLI runs the script in a child of its own, which a SIGKILL of the
 * command would leave running.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface IngestRun {
  readonly code: number | null;
  readonly stdout: string;
}

/** Starts the command; `done` resolves when it has exited and closed its output. */
export function startIngest(args: readonly string[]): {
  child: ChildProcess;
  done: Promise<IngestRun>;
} {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'scripts', 'ingest.ts'), ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.resume();
  const done = new Promise<IngestRun>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout })),
  );
  return { child, done };
}

/** Runs the command to its end without a progress bar. */
export function runIngest(args: readonly string[]): Promise<IngestRun> {
  return startIngest([...args, '--no-progress']).done;
}
