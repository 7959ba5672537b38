/**
 * What the benchmark measures, as cells (tower, path, batch size, clients), and how it runs
 * them: the cells that get compared with each other (same tower, batch and clients) run in
 * interleaved rounds, so on a machine shared with other work each path sees the same background
 * load and the ratios stay meaningful even when the absolute figures drift.
 */
import type { BenchCall, RunPlan, Sample } from './measure';
import { summarize } from './measure';
import type { BenchCorpus } from './photos';
import type { Modality, PathName, ScenarioResult } from './report';

/** Which figure a cell measures: tower, path, items per call and concurrent clients. */
export interface CellRef {
  readonly modality: Modality;
  readonly path: PathName;
  readonly batch: number;
  readonly clients: number;
}

/** A cell with the call that measures it (inside the path's own process). */
export interface Cell extends CellRef {
  readonly call: BenchCall;
}

/** Names a cell within its path, across processes. */
export function cellKey(cell: Omit<CellRef, 'path'>): string {
  return `${cell.modality}/${cell.batch}/${cell.clients}`;
}

export interface Shape {
  readonly batch: number;
  readonly clients: number;
}

/** What an embedding path offers: one result per input, in order. */
export interface EmbedFns {
  embedImages(images: readonly Uint8Array[]): Promise<readonly unknown[]>;
  embedTexts(texts: readonly string[]): Promise<readonly unknown[]>;
}

/** Items of one call, cycling through the corpus. */
function pick<T>(items: readonly T[], seq: number, batch: number): T[] {
  return Array.from({ length: batch }, (_, i) => items[(seq * batch + i) % items.length] as T);
}

/** Cells of an Embedder-like path: each call embeds `batch` photos or queries. */
export function embedderCells(
  path: PathName,
  fns: EmbedFns,
  corpus: BenchCorpus,
  shapes: readonly Shape[],
): Cell[] {
  const photos = corpus.photos.map((p) => p.bytes);
  return shapes.flatMap(({ batch, clients }): Cell[] => [
    {
      modality: 'image',
      path,
      batch,
      clients,
      call: async (seq) => (await fns.embedImages(pick(photos, seq, batch))).length,
    },
    {
      modality: 'text',
      path,
      batch,
      clients,
      call: async (seq) => (await fns.embedTexts(pick(corpus.queries, seq, batch))).length,
    },
  ]);
}

export interface RoundsPlan extends RunPlan {
  /** Interleaved rounds per group; each round runs every cell of the group for `minMs`. */
  readonly rounds: number;
}

type Progress = (result: ScenarioResult) => void;

/** Measures one timed window of a cell, wherever its path runs. */
export type MeasureCell = (cell: CellRef, plan: RunPlan) => Promise<Sample>;

/** Runs every group of comparable cells in rotating order; warm-up only in the first round. */
export async function runInterleaved(
  cells: readonly CellRef[],
  plan: RoundsPlan,
  measureCell: MeasureCell,
  progress: Progress,
) {
  const groups = new Map<string, CellRef[]>();
  for (const cell of cells) {
    const key = cellKey(cell);
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  const results: ScenarioResult[] = [];
  for (const group of groups.values()) {
    const samples = new Map<CellRef, Sample[]>(group.map((c) => [c, []]));
    for (let round = 0; round < plan.rounds; round++) {
      const warmup = round === 0 ? plan.warmupCallsPerClient : 0;
      for (let i = 0; i < group.length; i++) {
        const cell = group[(i + round) % group.length] as CellRef;
        samples.get(cell)?.push(await measureCell(cell, { ...plan, warmupCallsPerClient: warmup }));
      }
    }
    for (const cell of group) {
      const { modality, path, batch, clients } = cell;
      const result = { modality, path, batch, clients, ...summarize(samples.get(cell) ?? []) };
      results.push(result);
      progress(result);
    }
  }
  return results;
}
