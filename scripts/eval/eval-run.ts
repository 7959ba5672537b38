/**
 * The eval command's core: every query under every fusion setting, metrics per query kind.
 */
import type { QueryMetrics } from './eval-metrics';
import { meanMetrics, queryMetrics } from './eval-metrics';
import type { FusionSetting } from './eval-client';
import { searchIds } from './eval-client';
import type { EvalQuery, QueryKind } from './eval-qrels';

export interface NamedFusion {
  /** As given on the command line, e.g. `linear:image=0.5,keyword=2`; `default` for none. */
  readonly name: string;
  readonly fusion?: FusionSetting | undefined;
}

interface KindSummary extends QueryMetrics {
  readonly queries: number;
}

interface SettingReport {
  readonly name: string;
  readonly fusion: FusionSetting | null;
  /** Per query kind present in the set, plus `all`. */
  readonly byKind: Readonly<Partial<Record<QueryKind | 'all', KindSummary>>>;
  readonly queries: ReadonlyArray<{
    readonly id: string;
    readonly kind: QueryKind;
    readonly ranked: readonly string[];
    readonly metrics: QueryMetrics;
  }>;
}

export interface EvalReport {
  readonly url: string;
  readonly qrels: string;
  readonly settings: readonly SettingReport[];
}

const KINDS: readonly QueryKind[] = ['text', 'image', 'text+image'];

function summarise(rows: SettingReport['queries']): SettingReport['byKind'] {
  const byKind: Partial<Record<QueryKind | 'all', KindSummary>> = {};
  for (const kind of KINDS) {
    const of = rows.filter((row) => row.kind === kind);
    if (of.length > 0)
      byKind[kind] = { queries: of.length, ...meanMetrics(of.map((r) => r.metrics)) };
  }
  byKind.all = { queries: rows.length, ...meanMetrics(rows.map((r) => r.metrics)) };
  return byKind;
}

export async function runEval(
  url: string,
  qrels: string,
  queries: readonly EvalQuery[],
  settings: readonly NamedFusion[],
): Promise<EvalReport> {
  const reports: SettingReport[] = [];
  for (const setting of settings) {
    const rows: Array<SettingReport['queries'][number]> = [];
    for (const query of queries) {
      const ranked = await searchIds(url, query, setting.fusion);
      rows.push({
        id: query.id,
        kind: query.kind,
        ranked,
        metrics: queryMetrics(ranked, query.grades),
      });
    }
    reports.push({
      name: setting.name,
      fusion: setting.fusion ?? null,
      byKind: summarise(rows),
      queries: rows,
    });
  }
  return { url, qrels, settings: reports };
}

/** A fixed-width table: one row per setting and query kind. */
export function formatReport(report: EvalReport): string {
  const header = ['fusion', 'kind', 'n', 'R@1', 'R@5', 'R@10', 'MRR', 'nDCG@10'];
  const rows = report.settings.flatMap((setting) =>
    Object.entries(setting.byKind).map(([kind, s]) => [
      setting.name,
      kind,
      String(s.queries),
      ...[s.recallAt1, s.recallAt5, s.recallAt10, s.mrr, s.ndcgAt10].map((v) => v.toFixed(3)),
    ]),
  );
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
