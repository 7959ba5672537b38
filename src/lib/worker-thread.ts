/**
 * Starts a worker thread from one of our own modules, in all three ways the code runs: compiled
 * JavaScript (`node dist/src/main.js`), tsx (`npx tsx src/main.ts`) and ts-jest. A worker thread
 * is a fresh Node instance: it has neither ts-jest's transform nor, reliably, tsx's loader. So
 * when this file is itself TypeScript, the source tree is TypeScript too and the thread first
 * registers tsx's require hook (a dev dependency: only source runs need it) and then loads the `.ts` module; from
 * compiled output it loads the `.js` module directly, with no hook and no eval.
 */
import path from 'node:path';
import type { WorkerOptions } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';

/** Loads tsx's CommonJS hook, then the module: only for `.ts` sources. */
const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require(workerData.tsxApiPath).register();
require(workerData.script);
`;

/** Set in every thread started here, so `serve` answers only in those (see worker-rpc.ts). */
const WORKER_MARK = 'product-image-search/worker-rpc';

/** What a thread started here finds in `workerData`. */
export interface WorkerEnvelope<Data> {
  readonly mark: typeof WORKER_MARK;
  /** The module's own start-up data. */
  readonly data: Data;
  readonly script: string;
  /** Present when the script is TypeScript: the bootstrap registers tsx from here. */
  readonly tsxApiPath?: string;
}

export function isWorkerEnvelope(value: unknown): value is WorkerEnvelope<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { mark?: unknown }).mark === WORKER_MARK
  );
}

/**
 * Starts the thread for `modulePath`, an absolute path without extension (for example
 * `path.join(__dirname, 'sqlite-read.worker')`), passing `data` to it. The extension is this
 * file's own: `.ts` under tsx and ts-jest, `.js` in dist/.
 */
export function startWorkerThread<Data>(
  modulePath: string,
  data: Data,
  options: Omit<WorkerOptions, 'eval' | 'workerData'> = {},
): Worker {
  const extension = path.extname(__filename);
  const script = `${modulePath}${extension}`;
  if (extension !== '.ts') {
    const envelope: WorkerEnvelope<Data> = { mark: WORKER_MARK, data, script };
    return new Worker(script, { ...options, workerData: envelope });
  }
  const tsxApiPath = require.resolve('tsx/cjs/api');
  const envelope: WorkerEnvelope<Data> = { mark: WORKER_MARK, data, script, tsxApiPath };
  return new Worker(TS_BOOTSTRAP, { ...options, eval: true, workerData: envelope });
}
