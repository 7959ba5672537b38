/** Latency and code tallies per operation kind, and the lines the benchmark prints. */
import type { Outcome } from './requests';

export class Tally {
  private readonly ms = new Map<string, number[]>();
  private readonly codes = new Map<string, Map<string, number>>();

  add(kind: string, outcome: Outcome): void {
    const times = this.ms.get(kind) ?? [];
    times.push(outcome.ms);
    this.ms.set(kind, times);
    const codes = this.codes.get(kind) ?? new Map<string, number>();
    const key = `${outcome.status} ${outcome.code}`;
    codes.set(key, (codes.get(key) ?? 0) + 1);
    this.codes.set(kind, codes);
  }

  kinds(): string[] {
    return [...this.ms.keys()];
  }

  count(kind?: string): number {
    if (kind !== undefined) return this.ms.get(kind)?.length ?? 0;
    return [...this.ms.values()].reduce((sum, t) => sum + t.length, 0);
  }

  /** Nearest-rank percentile, in ms. */
  percentile(kind: string, p: number): number {
    const sorted = [...(this.ms.get(kind) ?? [])].sort((a, b) => a - b);
    if (sorted.length === 0) return Number.NaN;
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  }

  /** `status code` -> count, for one kind or all. */
  codesOf(kind?: string): Map<string, number> {
    if (kind !== undefined) return this.codes.get(kind) ?? new Map();
    const all = new Map<string, number>();
    for (const codes of this.codes.values()) {
      for (const [key, n] of codes) all.set(key, (all.get(key) ?? 0) + n);
    }
    return all;
  }

  /** Answers with a 5xx status, and those that were not load shedding (503 OVERLOADED). */
  serverErrors(): { all: number; notShedding: number } {
    let all = 0;
    let notShedding = 0;
    for (const [key, n] of this.codesOf()) {
      const status = Number(key.split(' ')[0]);
      if (status >= 500) {
        all += n;
        if (key !== '503 OVERLOADED') notShedding += n;
      }
    }
    return { all, notShedding };
  }
}

const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : ms < 10 ? ms.toFixed(1) : ms.toFixed(0));

/** One line per kind, in the given order (kinds never seen are left out). */
export function tallyLines(tally: Tally, seconds: number, order: readonly string[]): string[] {
  const header = `${'operation'.padEnd(26)} ${'n'.padStart(6)} ${'/s'.padStart(6)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'p99'.padStart(6)}  status code: count`;
  const lines = [header];
  for (const kind of order.filter((k) => tally.count(k) > 0)) {
    const codes = [...tally.codesOf(kind)]
      .sort((a, b) => b[1] - a[1])
      .map(([key, n]) => `${key}: ${n}`)
      .join(', ');
    lines.push(
      `${kind.padEnd(26)} ${String(tally.count(kind)).padStart(6)} ${(tally.count(kind) / seconds).toFixed(1).padStart(6)} ${fmt(tally.percentile(kind, 50)).padStart(6)} ${fmt(tally.percentile(kind, 95)).padStart(6)} ${fmt(tally.percentile(kind, 99)).padStart(6)}  ${codes}`,
    );
  }
  return lines;
}
