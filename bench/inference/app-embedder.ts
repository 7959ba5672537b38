/**
 * Builds the Embedder with the app's own factory (src/composition/create-embedder.ts: caches ->
 * micro-batcher -> ONNX adapter on its worker thread), so the benchmark measures the
 * service's image and text path, not a lookalike. Caches are off: the bench repeats photos.
 */
import pino from 'pino';
import { createEmbedder } from '../../src/composition/create-embedder';
import type { InferenceSettings } from '../../src/config/load-config';
import { loadConfig } from '../../src/config/load-config';
import type { Embedder } from '../../src/ports/embedder.port';

export interface BenchEmbedderOverrides {
  readonly maxImagePixels?: number;
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
}

export async function createBenchEmbedder(
  modelDir: string,
  overrides: BenchEmbedderOverrides = {},
): Promise<Embedder> {
  const base = loadConfig({ ...process.env, TEXT_CACHE_SIZE: '0', IMAGE_CACHE_SIZE: '0' });
  const { maxImagePixels, ort } = base.inference;
  const settings: InferenceSettings = {
    ...base.inference,
    maxImagePixels: overrides.maxImagePixels ?? maxImagePixels,
    ort: {
      ...ort,
      intraOpNumThreads: overrides.intraOpNumThreads ?? ort.intraOpNumThreads,
      interOpNumThreads: overrides.interOpNumThreads ?? ort.interOpNumThreads,
    },
  };
  return createEmbedder(settings, pino({ level: 'silent' }), modelDir);
}
