/**
 * Turns the measured scenarios into the printed table, the target ratios and the JSON record.
 * Every ratio compares two figures measured in the same run, on the same machine.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Throughput } from './measure';

export type Modality = 'image' | 'text';
export type PathName = 'raw-ort' | 'ours' | 'transformers.js';

export interface ScenarioResult extends Throughput {
  readonly modality: Modality;
  readonly path: PathName;
  /** Items per call. */
  readonly batch: number;
  /** Concurrent closed-loop clients. */
  readonly clients: number;
}

export interface Ratio {
  readonly name: string;
  readonly value: number;
  /** The value must be at least (or, with `atMost`, at most) this. */
  readonly target: number;
  readonly atMost?: boolean;
  readonly pass: boolean;
  /**
   * The same ratio for an ideal server, one that adds no cost to raw ONNX Runtime and always
   * runs it at its best batch size, from raw ORT's figures in the same run. Below the target,
   * the machine rather than the server decides.
   */
  readonly ceiling?: number;
}

export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly ramGiB: number;
  readonly node: string;
  readonly loadAverage: readonly number[];
}

export function machineInfo(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) cpuModel = line.split(':')[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: os.cpus() is what we have.
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function find(
  results: readonly ScenarioResult[],
  m: Modality,
  p: PathName,
  batch: number,
  clients: number,
) {
  return results.find(
    (r) => r.modality === m && r.path === p && r.batch === batch && r.clients === clients,
  );
}

function ratio(
  name: string,
  num: number | undefined,
  den: number | undefined,
  target: number,
  ceiling?: number,
): Ratio[] {
  if (num === undefined || den === undefined || den === 0) return [];
  const value = num / den;
  return [
    { name, value, target, pass: value >= target, ...(ceiling !== undefined && { ceiling }) },
  ];
}

/** a / b when both are known, else undefined. */
function quotient(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

export function targetRatios(results: readonly ScenarioResult[], rssBytes: number): Ratio[] {
  const out: Ratio[] = [];
  for (const m of ['image', 'text'] as const) {
    const rate = (p: PathName, b: number, c: number) => find(results, m, p, b, c)?.itemsPerSec;
    for (const raw of results.filter((r) => r.modality === m && r.path === 'raw-ort')) {
      out.push(
        ...ratio(
          `${m}: ours / raw ORT at batch ${raw.batch}`,
          rate('ours', raw.batch, 1),
          raw.itemsPerSec,
          0.9,
        ),
      );
    }
    const clients = Math.max(
      ...results.filter((r) => r.modality === m && r.path === 'ours').map((r) => r.clients),
    );
    // The most the model itself gives on this machine, at any batch size: no server serves more.
    const rawBest = Math.max(
      ...results.filter((r) => r.modality === m && r.path === 'raw-ort').map((r) => r.itemsPerSec),
    );
    if (clients > 1) {
      out.push(
        ...ratio(
          `${m}: ours ${clients} clients / ours serial batch-1`,
          rate('ours', 1, clients),
          rate('ours', 1, 1),
          1.5,
          // An ideal server serves 16 clients at raw ORT's best rate and one at its batch-1 rate.
          quotient(rawBest, rate('raw-ort', 1, 1)),
        ),
      );
      out.push(
        ...ratio(
          `${m}: ours / transformers.js at ${clients} clients`,
          rate('ours', 1, clients),
          rate('transformers.js', 1, clients),
          1.5,
          quotient(rawBest, rate('transformers.js', 1, clients)),
        ),
      );
    }
  }
  const gib = rssBytes / 2 ** 30;
  out.push({
    name: 'RSS with both towers loaded (GiB)',
    value: gib,
    target: 1,
    atMost: true,
    pass: gib <= 1,
  });
  return out;
}

function cell(value: string, width: number, right = true): string {
  return right ? value.padStart(width) : value.padEnd(width);
}

/** A Markdown table (pasteable into bench/README.md). */
export function resultsTable(results: readonly ScenarioResult[]): string {
  const header = ['tower', 'path', 'batch', 'clients', 'items/s', 'p50 ms', 'p95 ms', 'calls'];
  const widths = [5, 15, 5, 7, 8, 8, 8, 6];
  const order: readonly PathName[] = ['raw-ort', 'ours', 'transformers.js'];
  const sorted = [...results].sort(
    (a, b) =>
      a.modality.localeCompare(b.modality) ||
      a.clients - b.clients ||
      a.batch - b.batch ||
      order.indexOf(a.path) - order.indexOf(b.path),
  );
  const rows = sorted.map((r) => [
    r.modality,
    r.path,
    String(r.batch),
    String(r.clients),
    r.itemsPerSec.toFixed(2),
    r.p50Ms.toFixed(0),
    r.p95Ms.toFixed(0),
    String(r.calls),
  ]);
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => cell(c, widths[i] as number, i > 1)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i > 1 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The ratios with their targets and, where known, what an ideal server would measure. */
export function ratiosTable(ratios: readonly Ratio[]): string {
  const rows = ratios.map((r) => {
    const target = `${r.atMost === true ? '<=' : '>='} ${r.target}`;
    const ceiling = r.ceiling === undefined ? '' : r.ceiling.toFixed(3);
    return `| ${r.name} | ${r.value.toFixed(3)} | ${target} | ${r.pass ? 'yes' : 'no'} | ${ceiling} |`;
  });
  const header = '| ratio | value | target | met | ideal server here |';
  return [header, '|---|---:|---:|---|---:|', ...rows].join('\n');
}
