/**
 * The parent's handle on one path's process (path-host.ts): start it, measure its cells,
 * fetch its vectors, close it. Messages use Node's advanced serialisation, so Float32Arrays
 * and latency arrays cross as they are.
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import path from 'node:path';
import type { CellRef } from './cells';
import { cellKey } from './cells';
import type { CorpusSummary, HostInit, HostMessage, HostRss } from './path-host';
import type { RunPlan, Sample } from './measure';
import type { PathName } from './report';

const HOST = path.join(__dirname, 'path-host.ts');

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class PathProcess {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private constructor(
    readonly path: PathName,
    private readonly child: ChildProcess,
    /** The cells this path can measure, by cellKey. */
    readonly cells: readonly CellRef[],
    readonly rss: HostRss,
    readonly corpus: CorpusSummary,
  ) {
    child.on('message', (message: HostMessage) => this.settle(message));
    child.on('exit', (code) => this.failAll(new Error(`${this.path} process exited (${code})`)));
  }

  /** Forks the host (with this process' tsx loader), loads the path and waits until ready. */
  static async start(init: HostInit): Promise<PathProcess> {
    const child = fork(HOST, [], { execArgv: process.execArgv, serialization: 'advanced' });
    const ready = await new Promise<Extract<HostMessage, { op: 'ready' }>>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`${init.path} process exited (${code}) while loading`));
      child.once('exit', onExit);
      child.on('message', function onMessage(message: HostMessage) {
        if (message.op === 'ready') resolve(message);
        else if (message.op === 'failed') reject(new Error(`${init.path}: ${message.error}`));
        else return;
        child.off('message', onMessage);
        child.off('exit', onExit);
      });
      child.send({ op: 'init', init });
    });
    const cells = ready.cells.map((key): CellRef => {
      const [modality, batch, clients] = key.split('/');
      return {
        modality: modality as CellRef['modality'],
        path: init.path,
        batch: Number(batch),
        clients: Number(clients),
      };
    });
    return new PathProcess(init.path, child, cells, ready.rss, ready.corpus);
  }

  measure(cell: CellRef, plan: RunPlan): Promise<Sample> {
    return this.request({ op: 'measure', key: cellKey(cell), plan }) as Promise<Sample>;
  }

  /** The path's unit vectors for the corpus' first `count` photos and queries. */
  vectors(count: number): Promise<{ images: Float32Array[]; texts: Float32Array[] }> {
    return this.request({ op: 'vectors', count }) as Promise<{
      images: Float32Array[];
      texts: Float32Array[];
    }>;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ op: 'close', id: 0 });
    await exited;
  }

  private request(message: object): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...message, id });
    });
  }

  private settle(message: HostMessage): void {
    if (message.op === 'ready') return;
    const entry = this.pending.get(message.id);
    if (entry === undefined) return;
    this.pending.delete(message.id);
    if (message.op === 'reply') entry.resolve(message.value);
    else entry.reject(new Error(`${this.path}: ${message.error}`));
  }

  private failAll(error: Error): void {
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
}
