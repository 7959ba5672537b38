// worker-rpc with a real worker thread (toy-rpc.worker.ts), started the way adapters start theirs.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { StopReason } from '../../../src/lib/worker-rpc';
import { WorkerClient } from '../../../src/lib/worker-rpc';
import type { ToyApi, ToyData } from './toy-rpc.worker';

const ROOT = path.resolve(__dirname, '../../..');
const TOY_WORKER = path.join(__dirname, 'toy-rpc.worker');

/** The adapter-supplied error: records why the thread stopped, as the adapters' codes do. */
class ToyStoppedError extends Error {
  readonly code = 'TOY_STOPPED';
  constructor(
    readonly reason: StopReason,
    cause: unknown,
  ) {
    super(`toy worker stopped (${reason})`, { cause });
  }
}

function startToy(data: ToyData = { failInit: false }): Promise<WorkerClient<ToyApi>> {
  return WorkerClient.start<ToyApi, ToyData>({
    modulePath: TOY_WORKER,
    data,
    stoppedError: (reason, cause) => new ToyStoppedError(reason, cause),
  });
}

/** The rejection itself (or a marker), attached at once so nothing goes unhandled. */
function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('WorkerClient with a live thread', () => {
  let client: WorkerClient<ToyApi>;
  beforeAll(async () => {
    client = await startToy();
  });
  afterAll(() => client.terminate());

  it('answers a typed call', async () => {
    await expect(client.call('add', [2, 3])).resolves.toBe(5);
  });

  it('matches concurrent replies to their calls, whatever order they come back in', async () => {
    const calls = [40, 0, 20, 10].map((ms) => client.call('echoAfter', [ms, `after ${ms}`]));
    await expect(Promise.all(calls)).resolves.toEqual([
      'after 40',
      'after 0',
      'after 20',
      'after 10',
    ]);
  });

  it("brings a worker error's code and details to the caller; that call alone fails", async () => {
    const failing = rejection(client.call('fail', ['BAD_USER_INPUT', { field: 'k' }]));
    const fine = client.call('add', [1, 1]);
    expect(await failing).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'k' } });
    await expect(fine).resolves.toBe(2);
  });

  it('moves transferred buffers both ways', async () => {
    const values = Float32Array.of(1, -2, 3);
    const reply = client.call('negate', [values], [values.buffer]);
    expect(values.byteLength).toBe(0); // detached here: moved, not copied
    expect(Array.from(await reply)).toEqual([-1, 2, -3]);
  });
});

describe('WorkerClient when the thread dies', () => {
  it('rejects every pending and later call with the supplied error after process.exit', async () => {
    const client = await startToy();
    const pending = [client.call('hang', []), client.call('echoAfter', [60_000, 'never'])].map(
      rejection,
    );
    const exiting = rejection(client.call('exit', [3]));
    const errors = await Promise.all([...pending, exiting]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ToyStoppedError);
      expect(error).toMatchObject({ reason: 'WORKER_EXITED', cause: { exitCode: 3 } });
    }
    expect(await rejection(client.call('add', [1, 2]))).toBe(errors[0]);
    expect(client.failure).toBe(errors[0]);
    expect(() => client.check()).toThrow(ToyStoppedError);
    await client.terminate();
    expect(client.failure).toMatchObject({ reason: 'WORKER_EXITED' }); // the first cause stays
  });

  it('rejects pending and later calls as CLOSED after terminate()', async () => {
    const client = await startToy();
    const pending = rejection(client.call('hang', []));
    await client.terminate();
    expect(await pending).toMatchObject({ code: 'TOY_STOPPED', reason: 'CLOSED' });
    expect(await rejection(client.call('add', [1, 2]))).toMatchObject({ reason: 'CLOSED' });
  });

  it("fails start with init's own error when the worker's init throws", async () => {
    expect(await rejection(startToy({ failInit: true }))).toMatchObject({ code: 'TOY_INIT' });
  });
});

describe('WorkerClient keeps the process alive only while a call is pending', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'worker-rpc-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  /** Runs a child that starts the toy worker and makes `call`; resolves with how it ended. */
  async function runChild(call: string, waitMs: number): Promise<string> {
    const script = path.join(dir, `child-${call}.ts`);
    await fs.writeFile(
      script,
      `import { WorkerClient } from ${JSON.stringify(path.join(ROOT, 'src/lib/worker-rpc'))};
import type { ToyApi } from ${JSON.stringify(TOY_WORKER)};
async function main(): Promise<void> {
  const client = await WorkerClient.start<ToyApi, { failInit: boolean }>({
    modulePath: ${JSON.stringify(TOY_WORKER)},
    data: { failInit: false },
    stoppedError: () => new Error('stopped'),
  });
  process.stdout.write('answered ' + (await client.call('add', [1, 2])) + '\\n');
  void client.call(${JSON.stringify(call)}, []).catch(() => undefined);
}
void main();
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<string>((resolve) =>
      child.on('exit', (code) => resolve(`${output}exited ${code}`)),
    );
    // The clock starts once the first call is answered: start-up time is not what we measure.
    const answered = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('\n')) resolve();
      }),
    );
    await Promise.race([answered, exited]);
    let timeout: NodeJS.Timeout | undefined;
    const timer = new Promise<string>((resolve) => {
      timeout = setTimeout(() => resolve(`${output}still running`), waitMs);
    });
    const outcome = await Promise.race([exited, timer]);
    clearTimeout(timeout);
    child.kill();
    await exited;
    return outcome;
  }

  it('lets the process exit once every call is answered', async () => {
    // `add` again: answered at once, after which nothing is pending.
    expect(await runChild('add', 10_000)).toBe('answered 3\nexited 0');
  });

  it('holds the process while a call waits for its answer', async () => {
    // Long enough for an idle child to have exited (the test above exits well within it).
    expect(await runChild('hang', 1_500)).toBe('answered 3\nstill running');
  });
});
