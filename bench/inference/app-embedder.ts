/**
 * Builds the Embedder with the app's own factory (src/composition/create-app.ts createEmbedder: caches ->
 * micro-batcher -> ONNX adapter on its worker thread), so the benchmark measures the
 * service's image and text path, not a lookalike. Caches are off: the bench repeats photos.
 */
import pino from 'pino';
import { createEmbedder } from '../../src/composition/create-app';
import type { Config } from '../../src/config/load-config';
import { loadConfig } from '../../src/config/load-config';
import type { Embedder } from '../../src/ports/embedder.port';

export type BenchEmbedderConfig = Pick<
  Config,
  'maxImagePixels' | 'ortIntraOpThreads' | 'ortInterOpThreads'
>;

export async function createBenchEmbedder(
  modelDir: string,
  overrides: Partial<BenchEmbedderConfig> = {},
): Promise<Embedder> {
  const base = loadConfig({ ...process.env, TEXT_CACHE_SIZE: '0', IMAGE_CACHE_SIZE: '0' });
  const config = {
    ...base,
    maxImagePixels: overrides.maxImagePixels ?? base.maxImagePixels,
    ortIntraOpThreads: overrides.ortIntraOpThreads ?? base.ortIntraOpThreads,
    ortInterOpThreads: overrides.ortInterOpThreads ?? base.ortInterOpThreads,
  };
  return createEmbedder(config, pino({ level: 'silent' }), modelDir);
}
