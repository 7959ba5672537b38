/**
 * One benchmark path (raw ORT, ours or transformers.js) alone in its own process, measuring
 * its cells when the parent (path-process.ts) asks. Each path gets a process of its own
 * because loaded side by side they disturbed each other: with transformers.js' sessions in
 * the same process our serial image path measured about 8 % slower than alone. A service runs
 * one of them, not three, so that is what is measured.
 *
 * Started by fork() with the parent's execArgv (tsx), configured by the `init` message.
 */
import path from 'node:path';
import { ClipTokenizer } from '../../src/adapters/onnx/clip-tokenizer';
import { loadModelConfig, MODEL_FILES } from '../../src/adapters/onnx/model-config';
import { TRANSFORMERS_JS_DIR } from '../clip-model';
import { createBenchEmbedder } from './app-embedder';
import type { Cell, EmbedFns } from './cells';
import { cellKey, embedderCells } from './cells';
import type { RunPlan } from './measure';
import { measure } from './measure';
import type { BenchCorpus } from './photos';
import { loadCorpus } from './photos';
import { threadsFromEnv } from './ort-threads';
import { openSession, preprocessRows, rawImageCall, rawTextCall } from './raw-ort';
import type { PathName } from './report';
import { loadTransformersJs } from './transformers-js-clip';

export interface HostInit {
  readonly path: PathName;
  readonly modelDir: string;
  readonly photos: number;
  readonly batches: readonly number[];
  readonly clients: readonly number[];
}

export interface HostRss {
  /** After the path's sessions are loaded. */
  readonly afterLoad: number;
  /** After one call of the largest batch per tower (ORT sizes its buffers on first use). */
  readonly afterLargestBatch: number;
}

type HostRequest =
  | { readonly id: number; readonly op: 'measure'; readonly key: string; readonly plan: RunPlan }
  | { readonly id: number; readonly op: 'vectors'; readonly count: number }
  | { readonly id: number; readonly op: 'close' };

/** What the path's process measured on: the same corpus in every process. */
export interface CorpusSummary {
  readonly photos: number;
  /** Median decoded size, to say in the report how heavy decoding was. */
  readonly medianPixels: number;
  readonly queries: number;
}

export type HostMessage =
  | {
      readonly op: 'ready';
      readonly cells: readonly string[];
      readonly rss: HostRss;
      readonly corpus: CorpusSummary;
    }
  | { readonly op: 'reply'; readonly id: number; readonly value: unknown }
  | { readonly op: 'failed'; readonly id: number; readonly error: string };

interface LoadedPath {
  readonly cells: readonly Cell[];
  /** The path's vectors for the first `count` photos and queries (undefined for raw ORT). */
  readonly vectors?: (count: number) => Promise<{ images: Float32Array[]; texts: Float32Array[] }>;
  readonly close: () => Promise<unknown>;
}

async function loadRaw(init: HostInit, corpus: BenchCorpus): Promise<LoadedPath> {
  const config = await loadModelConfig(init.modelDir);
  const rows = await preprocessRows(
    corpus.photos.map((ph) => ph.bytes),
    config,
  );
  const tokenizer = await ClipTokenizer.fromFile(
    path.join(init.modelDir, MODEL_FILES.tokenizer),
    config,
  );
  const ortThreads = threadsFromEnv();
  const visual = await openSession(path.join(init.modelDir, MODEL_FILES.visualModel), ortThreads);
  const textual = await openSession(path.join(init.modelDir, MODEL_FILES.textualModel), ortThreads);
  const cells = init.batches.flatMap((batch): Cell[] => [
    {
      modality: 'image',
      path: 'raw-ort',
      batch,
      clients: 1,
      call: rawImageCall(visual, rows, batch),
    },
    {
      modality: 'text',
      path: 'raw-ort',
      batch,
      clients: 1,
      call: rawTextCall(textual, tokenizer, corpus.queries, batch),
    },
  ]);
  return { cells, close: () => Promise.all([visual.release(), textual.release()]) };
}

function vectorsOf(fns: EmbedFns, corpus: BenchCorpus) {
  return async (count: number) => ({
    images: (await fns.embedImages(corpus.photos.slice(0, count).map((p) => p.bytes))).map((e) =>
      e instanceof Float32Array ? e : (e as { vector: Float32Array }).vector,
    ),
    texts: (await fns.embedTexts(corpus.queries.slice(0, count))) as Float32Array[],
  });
}

/** Shapes an embedder path runs: every batch size with one client, then batch 1 concurrently. */
function embedderShapes(init: HostInit, path: PathName) {
  const concurrent = init.clients.filter((c) => c > 1).map((clients) => ({ batch: 1, clients }));
  if (path === 'transformers.js') return [{ batch: 1, clients: 1 }, ...concurrent];
  return [...init.batches.map((batch) => ({ batch, clients: 1 })), ...concurrent];
}

async function loadOurs(init: HostInit, corpus: BenchCorpus): Promise<LoadedPath> {
  const embedder = await createBenchEmbedder(init.modelDir); // reads ORT_* from the env
  return {
    cells: embedderCells('ours', embedder, corpus, embedderShapes(init, 'ours')),
    vectors: vectorsOf(embedder, corpus),
    close: () => embedder.close(),
  };
}

async function loadTjs(init: HostInit, corpus: BenchCorpus): Promise<LoadedPath> {
  const { contextLength } = await loadModelConfig(init.modelDir);
  const dir = path.join(init.modelDir, TRANSFORMERS_JS_DIR);
  const tjs = await loadTransformersJs({ dir, ...threadsFromEnv(), contextLength });
  return {
    cells: embedderCells('transformers.js', tjs, corpus, embedderShapes(init, 'transformers.js')),
    vectors: vectorsOf(tjs, corpus),
    close: () => tjs.dispose(),
  };
}

/** One call of the largest batch per tower, so RSS includes what ORT allocates on first use. */
async function largestBatches(cells: readonly Cell[]): Promise<void> {
  for (const modality of ['image', 'text'] as const) {
    const own = cells.filter((c) => c.modality === modality && c.clients === 1);
    const largest = own.reduce<Cell | undefined>(
      (a, c) => (a && a.batch >= c.batch ? a : c),
      undefined,
    );
    await largest?.call(0);
  }
}

async function start(init: HostInit): Promise<LoadedPath> {
  const corpus = await loadCorpus(init.photos);
  const load = { 'raw-ort': loadRaw, ours: loadOurs, 'transformers.js': loadTjs }[init.path];
  const loaded = await load(init, corpus);
  const afterLoad = process.memoryUsage().rss;
  await largestBatches(loaded.cells);
  const rss = { afterLoad, afterLargestBatch: process.memoryUsage().rss };
  const summary = {
    photos: corpus.photos.length,
    medianPixels: corpus.medianPixels,
    queries: corpus.queries.length,
  };
  send({ op: 'ready', cells: loaded.cells.map(cellKey), rss, corpus: summary });
  return loaded;
}

function send(message: HostMessage): void {
  process.send?.(message);
}

async function handle(loaded: LoadedPath, request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case 'measure': {
      const cell = loaded.cells.find((c) => cellKey(c) === request.key);
      if (cell === undefined) throw new Error(`no cell ${request.key}`);
      return measure(cell.clients, request.plan, cell.call);
    }
    case 'vectors':
      return loaded.vectors?.(request.count);
    case 'close':
      await loaded.close();
      process.exit(0); // the parent waits for the exit, not for a reply
  }
}

let loading: Promise<LoadedPath> | undefined;
process.on('message', (message: { op: 'init'; init: HostInit } | HostRequest) => {
  if (message.op === 'init') {
    loading = start(message.init);
    loading.catch((error: unknown) => {
      send({
        op: 'failed',
        id: 0,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    });
    return;
  }
  const request = message;
  void (async () => {
    try {
      if (loading === undefined) throw new Error('not initialised');
      send({ op: 'reply', id: request.id, value: await handle(await loading, request) });
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      send({ op: 'failed', id: request.id, error: text });
    }
  })();
});
