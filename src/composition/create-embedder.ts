import { OnnxEmbedder } from '../adapters/onnx/onnx-embedder';
import type { InferenceSettings } from '../config/load-config';
import { BatchingEmbedder } from '../embedding/batching-embedder';
import { CachingEmbedder } from '../embedding/caching-embedder';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { createMetrics } from '../observability/metrics';
import type { Embedder } from '../ports/embedder.port';

/**
 * The service's embedder, one model per process. A call flows through, in this order:
 *
 *   CachingEmbedder  -> hits answer at once and never take a queue slot
 *   BatchingEmbedder -> decodes per caller, merges concurrent inputs into one model run
 *   OnnxEmbedder     -> ONNX Runtime on its worker thread
 *
 * Exported so benchmarks measure exactly this stack (bench/inference/app-embedder.ts).
 */
export async function createEmbedder(
  settings: InferenceSettings,
  logger: Logger,
  modelDir: string,
  metrics: Metrics = createMetrics({ defaultMetrics: false }),
): Promise<Embedder> {
  const log = logger.child({ component: 'embedder' });
  const observer = metrics.inference;
  const onnx = await OnnxEmbedder.load({
    modelDir,
    maxInputPixels: settings.maxImagePixels,
    preprocessThreads: settings.preprocessThreads,
    ...settings.ort,
    logger: log,
  });
  const batching = new BatchingEmbedder(onnx, { ...settings.batching, observer, logger: log });
  return new CachingEmbedder(batching, { ...settings.cache, observer });
}
