/**
 * Closed-loop load generator: `clients` concurrent callers, each issuing its next call as soon
 * as the previous one returns (what a pool of request handlers does), for a fixed wall time.
 */

export interface RunPlan {
  /** Timed window; calls started before it ends are awaited and counted. */
  readonly minMs: number;
  /** At least this many timed calls in total, however long they take. */
  readonly minCalls: number;
  /** Untimed calls per client first: ORT allocates its arenas on the first runs. */
  readonly warmupCallsPerClient: number;
}

export interface Throughput {
  readonly itemsPerSec: number;
  readonly items: number;
  readonly calls: number;
  readonly elapsedMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

/** One timed window; several windows of one scenario (interleaved rounds) are summed. */
export interface Sample {
  readonly items: number;
  readonly elapsedMs: number;
  readonly latencies: readonly number[];
}

/** `call(seq)` performs one request and resolves to how many items it embedded. */
export type BenchCall = (seq: number) => Promise<number>;

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * Runs `clients` loops; the first failure stops the others (they see `stopped()`), and is
 * thrown once every loop has returned, so no call outlives the measurement.
 */
async function allOrFirstError(
  clients: number,
  loop: (stopped: () => boolean) => Promise<void>,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  const stopped = () => failure !== undefined;
  await Promise.all(
    Array.from({ length: clients }, () =>
      loop(stopped).catch((error: unknown) => {
        failure ??= { error };
      }),
    ),
  );
  if (failure !== undefined) throw failure.error;
}

export async function measure(clients: number, plan: RunPlan, call: BenchCall): Promise<Sample> {
  let seq = 0;
  await allOrFirstError(clients, async (stopped) => {
    for (let i = 0; i < plan.warmupCallsPerClient && !stopped(); i++) await call(seq++);
  });
  const latencies: number[] = [];
  let items = 0;
  const start = performance.now();
  const deadline = start + plan.minMs;
  await allOrFirstError(clients, async (stopped) => {
    while (!stopped() && (performance.now() < deadline || latencies.length < plan.minCalls)) {
      const t0 = performance.now();
      // Not `items += await ...`: that reads `items` before the await and loses the other
      // clients' increments made meanwhile.
      const done = await call(seq++);
      items += done;
      latencies.push(performance.now() - t0);
    }
  });
  return { items, elapsedMs: performance.now() - start, latencies };
}

export function summarize(samples: readonly Sample[]): Throughput {
  const items = samples.reduce((sum, s) => sum + s.items, 0);
  const elapsedMs = samples.reduce((sum, s) => sum + s.elapsedMs, 0);
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  return {
    itemsPerSec: elapsedMs > 0 ? (items * 1000) / elapsedMs : 0,
    items,
    calls: latencies.length,
    elapsedMs,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
  };
}

/** In-place L2 normalisation, as every path must return unit vectors for a fair comparison. */
export function l2NormalizeInPlace(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
  return v;
}
