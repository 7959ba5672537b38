/**
 * The service as users run it (`src/main.ts`, through tsx), in a child process: for tests that
 * kill it, and for benchmarks whose clients must not share its event loop or its RSS. Its JSON
 * log is read for the URL it listens on and for error-level lines; non-blank stderr lines
 * (outside the structured log) are counted too.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '..', '..');

export interface ServiceProcess {
  /** Origin, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly graphqlUrl: string;
  readonly pid: number;
  /** Resident memory now and its peak so far (VmRSS, VmHWM), in MiB. */
  memory(): { rssMb: number; peakMb: number };
  /** Error-level log lines and stderr lines seen so far (first few kept). */
  problems(): { errorLines: number; stderrLines: number; samples: string[] };
  /** CPU seconds the process has used (user + system). */
  cpuSeconds(): number;
  /** SIGTERM, then waits for the exit (the service drains and closes its index). */
  stop(): Promise<number | null>;
  /** SIGKILL (nothing is cleaned up), then waits for the exit; resolves with the ending signal. */
  kill(): Promise<NodeJS.Signals | null>;
}

function statusField(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  return kb === undefined ? Number.NaN : Math.round(Number(kb) / 1024);
}

/** Starts `src/main.ts` with these variables over the current environment; resolves once it listens. */
export function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) return Promise.reject(new Error('could not start the service'));
  let errorLines = 0;
  let stderrLines = 0;
  const samples: string[] = [];
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const exited = exit.then(({ code }) => code);
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.trim() === '') return;
    stderrLines += 1;
    if (samples.length < 5) samples.push(`stderr: ${JSON.stringify(line.slice(0, 300))}`);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the service did not start in 180 s')),
      180_000,
    );
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code} at start:\n${samples.join('\n')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry: { level?: number; msg?: string; url?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        entry = { level: 50, msg: line };
      }
      if ((entry.level ?? 0) >= 50) {
        errorLines += 1;
        if (samples.length < 5) samples.push(line.slice(0, 300));
      }
      if (entry.msg === 'listening' && entry.url !== undefined) {
        clearTimeout(timer);
        const url = entry.url;
        resolve({
          url,
          graphqlUrl: `${url}/graphql`,
          pid,
          memory: () => ({ rssMb: statusField(pid, 'VmRSS'), peakMb: statusField(pid, 'VmHWM') }),
          problems: () => ({ errorLines, stderrLines, samples: [...samples] }),
          cpuSeconds: () => {
            // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second).
            const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
            return (Number(fields?.[11]) + Number(fields?.[12])) / 100;
          },
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
          kill: async () => {
            child.kill('SIGKILL');
            return (await exit).signal;
          },
        });
      }
    });
  });
}
