/**
 * Reading and checking a catalog feed, line by line, without sending anything.
 *
 * JSONL: one product object per line (blank lines ignored). CSV: a header naming columns
 * among FEED_FIELDS, tags and photos `|`-separated. Every line comes back as a FeedLine: its
 * line number (the line a CSV record starts on), a hash of its text (and of its local photo
 * files' size and mtime, so a replaced photo is sent again), and either the product or every
 * problem found in it. Photos are URLs (http/https) or paths, relative to the feed's folder.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';

export type FeedFormat = 'jsonl' | 'csv';

type FeedPhoto =
  | { readonly kind: 'url'; readonly url: string }
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly bytes: number;
      readonly mtimeMs: number;
    };

/** A product as the service's ProductInput wants it, photos resolved. */
export interface FeedProduct {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly category: string;
  readonly price: number;
  readonly currency: string;
  readonly tags?: readonly string[];
  readonly inStock?: boolean;
  readonly photos: readonly FeedPhoto[];
}

export interface FeedLine {
  /** 1-based line number in the file. */
  readonly line: number;
  /** sha256 of the line's text and its local photos' size and mtime: what `--state` records. */
  readonly sha: string;
  /** The product's id when one could be read, even from a bad line (for the report). */
  readonly id?: string;
  readonly product?: FeedProduct;
  /** Empty for a good line. */
  readonly problems: readonly string[];
  /** A problem with the file as a whole (a CSV header): nothing may be sent. */
  readonly fatal?: boolean;
}

const FEED_FIELDS = [
  'id',
  'title',
  'description',
  'category',
  'price',
  'currency',
  'tags',
  'inStock',
  'photos',
] as const;
const REQUIRED = ['id', 'title', 'category', 'price', 'currency', 'photos'] as const;

const text = z.string().trim().min(1, 'must not be empty');
const productSchema = z.strictObject({
  id: text.max(512),
  title: text,
  description: z.string().optional(),
  category: text,
  price: z.number().finite().nonnegative(),
  currency: text,
  tags: z.array(z.string()).optional(),
  inStock: z.boolean().optional(),
  photos: z.array(text).min(1, 'needs at least one photo'),
});
type RawProduct = z.infer<typeof productSchema>;

/** The format a file's extension names (`.jsonl`/`.ndjson`/`.json`, `.csv`), or undefined. */
export function formatOf(file: string): FeedFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (['.jsonl', '.ndjson', '.json'].includes(ext)) return 'jsonl';
  return undefined;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.join('.') || 'line';
    if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
    return `${where}: ${issue.message}`;
  });
}

/** A photo string as a URL or a file under `baseDir`; a problem for other schemes. */
async function resolvePhoto(value: string, baseDir: string): Promise<FeedPhoto | string> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme !== 'http' && scheme !== 'https') return `photo ${value}: only http and https URLs`;
    try {
      return { kind: 'url', url: new URL(value).href };
    } catch {
      return `photo ${value}: not a valid URL`;
    }
  }
  const file = path.resolve(baseDir, value);
  try {
    const info = await stat(file);
    if (!info.isFile()) return `photo ${value}: not a file`;
    return { kind: 'file', path: file, bytes: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return `photo ${value}: no such file (paths are relative to the feed's folder)`;
  }
}

/** Checks one raw product (already typed as JSON would be) and resolves its photos. */
export async function checkProduct(
  raw: unknown,
  line: number,
  lineText: string,
  baseDir: string,
): Promise<FeedLine> {
  const id =
    typeof (raw as { id?: unknown } | null)?.id === 'string'
      ? (raw as { id: string }).id
      : undefined;
  const parsed = productSchema.safeParse(raw);
  const hash = createHash('sha256').update(lineText);
  if (!parsed.success) {
    return { line, id, sha: hash.digest('hex'), problems: describeIssues(parsed.error) };
  }
  const problems: string[] = [];
  const photos: FeedPhoto[] = [];
  for (const value of parsed.data.photos) {
    const photo = await resolvePhoto(value, baseDir);
    if (typeof photo === 'string') problems.push(photo);
    else {
      photos.push(photo);
      if (photo.kind === 'file') {
        hash.update(`\0${photo.path}\0${photo.bytes}\0${photo.mtimeMs}`);
      }
    }
  }
  const sha = hash.digest('hex');
  if (problems.length > 0) return { line, id, sha, problems };
  return { line, id, sha, problems, product: toProduct(parsed.data, photos) };
}

function toProduct(raw: RawProduct, photos: FeedPhoto[]): FeedProduct {
  const { tags, inStock, description } = raw;
  return {
    id: raw.id,
    title: raw.title,
    category: raw.category,
    price: raw.price,
    currency: raw.currency,
    ...(description === undefined ? {} : { description }),
    ...(tags === undefined ? {} : { tags }),
    ...(inStock === undefined ? {} : { inStock }),
    photos,
  };
}

async function* readJsonl(file: string, baseDir: string): AsyncGenerator<FeedLine> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const lineText of lines) {
    line += 1;
    if (lineText.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(lineText);
    } catch {
      const sha = createHash('sha256').update(lineText).digest('hex');
      yield { line, sha, problems: ['not valid JSON'] };
      continue;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      const sha = createHash('sha256').update(lineText).digest('hex');
      yield { line, sha, problems: ['not a JSON object'] };
      continue;
    }
    yield checkProduct(raw, line, lineText, baseDir);
  }
}

/** A CSV cell as the JSON value its column wants; a string that cannot be one stays a string. */
function csvValue(column: string, cell: string): unknown {
  const value = cell.trim();
  switch (column) {
    case 'price':
      return value === '' || !Number.isFinite(Number(value)) ? cell : Number(value);
    case 'inStock':
      if (value === '') return undefined;
      if (/^(true|1|yes)$/i.test(value)) return true;
      if (/^(false|0|no)$/i.test(value)) return false;
      return cell;
    case 'tags':
    case 'photos':
      return value === ''
        ? column === 'tags'
          ? undefined
          : []
        : value.split('|').map((s) => s.trim());
    case 'description':
      return cell === '' ? undefined : cell;
    default:
      return cell;
  }
}

/** Problems with a CSV header: unknown, repeated or missing columns. */
export function headerProblems(columns: readonly string[]): string[] {
  const problems: string[] = [];
  const known = new Set<string>(FEED_FIELDS);
  const unknown = columns.filter((c) => !known.has(c));
  if (unknown.length > 0) problems.push(`unknown column(s): ${unknown.join(', ')}`);
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (repeated.length > 0) problems.push(`repeated column(s): ${repeated.join(', ')}`);
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length > 0) problems.push(`missing column(s): ${missing.join(', ')}`);
  return problems;
}

interface CsvRecord {
  readonly record: string[];
  readonly raw: string;
  readonly info: { readonly lines: number };
}

/** The line a record starts on: csv-parse counts the line it ends on. */
function startLine(record: CsvRecord): number {
  const body = record.raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
  return record.info.lines - (body.match(/\n/g)?.length ?? 0);
}

async function* readCsv(file: string, baseDir: string): AsyncGenerator<FeedLine> {
  const skipped: FeedLine[] = [];
  const parser = createReadStream(file).pipe(
    parseCsv({
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }),
  );
  parser.on('skip', (error: { lines?: number; message: string }) => {
    skipped.push({ line: error.lines ?? 0, sha: '', problems: [`CSV: ${error.message}`] });
  });
  let columns: string[] | undefined;
  for await (const entry of parser as AsyncIterable<CsvRecord>) {
    yield* skipped.splice(0);
    const line = startLine(entry);
    if (columns === undefined) {
      columns = entry.record.map((c) => c.trim());
      const problems = headerProblems(columns);
      if (problems.length > 0) yield { line, sha: '', problems, fatal: true };
      continue;
    }
    const sha = createHash('sha256').update(entry.raw).digest('hex');
    if (entry.record.length !== columns.length) {
      yield {
        line,
        sha,
        problems: [`has ${entry.record.length} fields, the header ${columns.length}`],
      };
      continue;
    }
    const raw: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const value = csvValue(column, entry.record[i] ?? '');
      if (value !== undefined && FEED_FIELDS.includes(column as never)) raw[column] = value;
    });
    yield checkProduct(raw, line, entry.raw, baseDir);
  }
  yield* skipped.splice(0);
}

/** Every line of the feed, checked, in file order. */
export function readFeed(file: string, format: FeedFormat): AsyncGenerator<FeedLine> {
  const baseDir = path.dirname(path.resolve(file));
  return format === 'csv' ? readCsv(file, baseDir) : readJsonl(file, baseDir);
}
