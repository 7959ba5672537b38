/**
 * Draws fetch progress with cli-progress, one bar per file, on stderr by default (stdout
 * stays free for the command's result). Tests pass their own onProgress instead.
 */
import { MultiBar, Presets } from 'cli-progress';
import type { SingleBar } from 'cli-progress';
import type { ProgressListener } from './model-fetcher';

export interface ProgressDisplay {
  readonly onProgress: ProgressListener;
  /** Stops drawing; call it whether the fetch succeeded or not. */
  stop(): void;
}

export function createProgressBars(
  stream: NodeJS.WritableStream = process.stderr,
): ProgressDisplay {
  const multibar = new MultiBar(
    {
      stream,
      format: ' {bar} {percentage}% | {done} / {size} | {file}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
    },
    Presets.shades_classic,
  );
  const bars = new Map<string, SingleBar>();

  const barFor = (file: string, total: number): SingleBar => {
    let bar = bars.get(file);
    if (bar === undefined) {
      bar = multibar.create(total, 0, { file, done: formatBytes(0), size: formatBytes(total) });
      bars.set(file, bar);
    }
    return bar;
  };

  const onProgress: ProgressListener = (event) => {
    // Unknown sizes grow the bar with the data so it still moves.
    const total = event.totalBytes ?? Math.max(event.receivedBytes, 1);
    const bar = barFor(event.file, total);
    bar.setTotal(total);
    const label = event.kind === 'skip' ? `${event.file} (already present)` : event.file;
    bar.update(event.kind === 'skip' || event.kind === 'done' ? total : event.receivedBytes, {
      file: label,
      done: formatBytes(event.kind === 'skip' ? total : event.receivedBytes),
      size: event.totalBytes === null ? '?' : formatBytes(event.totalBytes),
    });
  };

  return { onProgress, stop: () => multibar.stop() };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
