// An acknowledged write survives the process dying: a child upserts and acknowledges products
// one by one, is SIGKILLed mid-stream, and every acknowledged product must be there, intact.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteProductIndex } from '../../../../src/adapters/sqlite/sqlite-product-index';
import { expectedProduct } from '../../../helpers/product-fixtures';

const ROOT = path.resolve(__dirname, '../../../..');
const binding = { modelId: 'crash-model', dims: 8 };
const KILL_AFTER_ACKS = 40;

/** The child's program: deterministic products so the parent can rebuild what it sent. */
const CHILD = `
import { SqliteProductIndex } from ${JSON.stringify(path.join(ROOT, 'src/adapters/sqlite/sqlite-product-index'))};
import { crashProduct } from ${JSON.stringify(path.join(ROOT, 'test/integration/adapters/sqlite/sqlite-durability.fixture'))};
async function main(): Promise<void> {
  const index = new SqliteProductIndex({ dataDir: process.argv[2] as string, binding: ${JSON.stringify(binding)} });
  await index.open();
  for (let n = 0; ; n++) {
    await index.upsert(crashProduct(n, ${binding.dims}));
    process.stdout.write('ack ' + n + '\\n');
  }
}
void main();
`;

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sqlite-crash-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Runs the child until it has acknowledged `acks` writes, kills it, returns what it acked. */
async function runAndKill(dataDir: string, acks: number): Promise<number[]> {
  const script = path.join(dir, 'child.ts');
  await fs.writeFile(script, CHILD);
  // Node itself with tsx's loader, not the tsx wrapper: SIGKILL must hit the writing process.
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: number[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const match = /^ack (\d+)$/.exec(line);
      if (match) acked.push(Number(match[1]));
      if (acked.length === acks) child.kill('SIGKILL');
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  const signal = await exited;
  expect([signal, stderr]).toEqual(['SIGKILL', '']);
  return acked;
}

it('keeps every acknowledged upsert after SIGKILL', async () => {
  const { crashProduct } = await import('./sqlite-durability.fixture');
  const dataDir = path.join(dir, 'data');
  const acked = await runAndKill(dataDir, KILL_AFTER_ACKS);
  // The kill is sent at the 40th ack, but the child may have printed (so acknowledged) a few
  // more before it lands: every ack read counts, in order and without gaps.
  expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
  expect(acked).toEqual(Array.from({ length: acked.length }, (_, n) => n));

  const index = new SqliteProductIndex({ dataDir, binding });
  await index.open();
  try {
    const docs = acked.map((n) => crashProduct(n, binding.dims));
    expect(await index.getMany(docs.map((d) => d.id))).toEqual(docs.map(expectedProduct));
    // The write in flight at the kill may or may not have landed, but never half of it, and
    // nothing after it.
    const next = crashProduct(acked.length, binding.dims);
    const later = crashProduct(acked.length + 1, binding.dims);
    const [inFlight, none] = await index.getMany([next.id, later.id]);
    if (inFlight !== null) expect(inFlight).toEqual(expectedProduct(next));
    expect(none).toBeNull();
    for (const doc of docs.slice(-3)) {
      const vector = doc.images[1]!.vector;
      const [hit] = await index.searchVector({ vector, filter: {}, k: 1 });
      expect(hit).toMatchObject({ productId: doc.id, imageId: doc.images[1]!.id });
    }
  } finally {
    await index.close();
  }
});
