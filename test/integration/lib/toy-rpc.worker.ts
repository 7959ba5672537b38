/**
 * A worker module for worker-rpc's tests: each method exercises one path of the protocol (a
 * value, a slow reply, a coded error, a crash, no reply at all, a transferred buffer).
 */
import { serve, Transfer } from '../../../src/lib/worker-rpc';

export interface ToyData {
  /** Makes init throw, as a worker whose resource cannot open would. */
  readonly failInit: boolean;
}

export interface ToyApi {
  add(a: number, b: number): number;
  /** Replies after `ms`: concurrent calls answer out of order. */
  echoAfter(ms: number, value: string): Promise<string>;
  /** Throws an Error carrying `code` and `details`, as an AppError does. */
  fail(code: string, details: Record<string, unknown>): never;
  /** Ends the thread the way a crash does. */
  exit(code: number): void;
  /** Never answers: a call that stays pending. */
  hang(): void;
  /** Negates in place and moves the buffer back. */
  negate(values: Float32Array<ArrayBuffer>): Float32Array<ArrayBuffer>;
}

serve<ToyApi, ToyData>(({ failInit }) => {
  if (failInit) throw Object.assign(new Error('toy init failed'), { code: 'TOY_INIT' });
  return {
    add: (a, b) => a + b,
    echoAfter: (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms)),
    fail: (code, details) => {
      throw Object.assign(new Error('toy failure'), { code, details });
    },
    exit: (code) => process.exit(code),
    hang: () => new Promise<void>(() => undefined),
    negate: (values) => {
      values.forEach((v, i) => (values[i] = -v));
      return new Transfer(values, [values.buffer]);
    },
  };
});
