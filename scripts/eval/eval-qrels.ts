/**
 * The labelled query set of the eval command: JSONL, one query per line.
 *
 *   {"id": "q1", "text": "red running shoe", "relevant": ["sku-red"]}
 *   {"id": "q2", "image": "photos/red.png", "relevant": {"sku-red": 3, "sku-orange": 1}}
 *   {"id": "q3", "text": "red", "image": "photos/red.png", "relevant": ["sku-red"]}
 *
 * `text` and/or `image` (a path relative to the qrels file); `relevant` lists product ids
 * (grade 1) or maps them to grades (0 = judged not relevant, higher = more relevant).
 * Blank lines and lines starting with # are skipped. Errors name the line.
 */
import path from 'node:path';
import type { Grades } from './eval-metrics';

export type QueryKind = 'text' | 'image' | 'text+image';

export interface EvalQuery {
  readonly id: string;
  readonly kind: QueryKind;
  readonly text?: string | undefined;
  /** Absolute path of the query photo. */
  readonly image?: string | undefined;
  readonly grades: Grades;
}

function parseGrades(value: unknown, where: string): Map<string, number> {
  if (Array.isArray(value) && value.every((id) => typeof id === 'string')) {
    return new Map(value.map((id) => [id, 1]));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([, g]) => typeof g === 'number' && Number.isFinite(g) && g >= 0)) {
      return new Map(entries as Array<[string, number]>);
    }
  }
  throw new TypeError(
    `${where}: "relevant" must be a list of product ids or an object of id -> grade (>= 0)`,
  );
}

function parseLine(line: string, where: string, baseDir: string): EvalQuery {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch (error) {
    throw new TypeError(`${where}: not JSON (${String(error)})`);
  }
  const text = typeof raw['text'] === 'string' && raw['text'] !== '' ? raw['text'] : undefined;
  const image = typeof raw['image'] === 'string' && raw['image'] !== '' ? raw['image'] : undefined;
  if (text === undefined && image === undefined) {
    throw new TypeError(`${where}: a query needs "text", "image" or both`);
  }
  const grades = parseGrades(raw['relevant'], where);
  if (![...grades.values()].some((grade) => grade > 0)) {
    throw new TypeError(`${where}: no relevant product (grade > 0)`);
  }
  const kind: QueryKind =
    text !== undefined && image !== undefined
      ? 'text+image'
      : text !== undefined
        ? 'text'
        : 'image';
  return {
    id: typeof raw['id'] === 'string' ? raw['id'] : where,
    kind,
    text,
    image: image === undefined ? undefined : path.resolve(baseDir, image),
    grades,
  };
}

/** Parses a qrels file's content; `file` names it in errors and anchors photo paths. */
export function parseQrels(content: string, file: string): EvalQuery[] {
  const baseDir = path.dirname(path.resolve(file));
  const queries: EvalQuery[] = [];
  content.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    queries.push(parseLine(trimmed, `${file}:${i + 1}`, baseDir));
  });
  if (queries.length === 0) throw new TypeError(`${file}: no queries`);
  return queries;
}
