/**
 * What a run has had acknowledged, so an interrupted run resumes where it stopped. The state
 * file is JSONL, one `{"line":N,"id":"...","sha":"..."}` per acknowledged product, appended and
 * fsync'd after every acknowledged batch. A line is skipped on the next run only when both its
 * number and its hash match (an edited or moved line is sent again; sending twice is safe, the
 * service replaces the product and reuses unchanged photos' vectors). A kill can tear the
 * last record; a torn record is ignored, and that product is sent again.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';

export interface Acknowledged {
  readonly line: number;
  readonly id: string;
  readonly sha: string;
}

/** The acknowledged line -> hash map a state file holds; torn or foreign lines are ignored. */
export function parseState(text: string): Map<number, string> {
  const acked = new Map<number, string>();
  for (const row of text.split('\n')) {
    if (row.trim() === '') continue;
    try {
      const entry = JSON.parse(row) as Partial<Acknowledged>;
      if (Number.isInteger(entry.line) && typeof entry.sha === 'string') {
        acked.set(entry.line as number, entry.sha);
      }
    } catch {
      // a record torn by a kill: that product is simply sent again
    }
  }
  return acked;
}

/** The records to append for a batch (each on its own line). */
export function stateRecords(entries: readonly Acknowledged[]): string {
  return entries.map((e) => `${JSON.stringify({ line: e.line, id: e.id, sha: e.sha })}\n`).join('');
}

export class IngestState {
  private constructor(
    private readonly acked: Map<number, string>,
    private readonly handle: FileHandle | undefined,
  ) {}

  /** Reads `file` (missing is empty) and opens it for appending; no file when `file` is undefined. */
  static async open(file: string | undefined): Promise<IngestState> {
    if (file === undefined) return new IngestState(new Map(), undefined);
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const handle = await open(file, 'a');
    // A torn last record must not glue itself to the next one.
    if (text !== '' && !text.endsWith('\n')) await handle.write('\n');
    return new IngestState(parseState(text), handle);
  }

  /** Lines this state holds. */
  get size(): number {
    return this.acked.size;
  }

  isAcknowledged(line: number, sha: string): boolean {
    return this.acked.get(line) === sha;
  }

  /** Appends and fsyncs: once this resolves, a kill cannot make these products be sent again. */
  async record(entries: readonly Acknowledged[]): Promise<void> {
    for (const e of entries) this.acked.set(e.line, e.sha);
    if (this.handle === undefined || entries.length === 0) return;
    await this.handle.write(stateRecords(entries));
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }
}
