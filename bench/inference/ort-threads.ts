import { loadConfig } from '../../src/config/load-config';

/** ORT thread counts for the raw ORT and transformers.js paths; undefined means ORT's own. */
export interface Threads {
  readonly intraOpNumThreads?: number | undefined;
  readonly interOpNumThreads?: number | undefined;
}

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';

/**
 * ORT_INTRA_OP_THREADS / ORT_INTER_OP_THREADS, validated by loadConfig, but only when set:
 * the raw ORT and transformers.js paths keep ONNX Runtime's own defaults otherwise (the
 * service's defaults apply to our path alone, through createEmbedder).
 */
export function threadsFromEnv(env: NodeJS.ProcessEnv = process.env): Threads {
  const { ort } = loadConfig(env).inference;
  return {
    intraOpNumThreads: isSet(env['ORT_INTRA_OP_THREADS']) ? ort.intraOpNumThreads : undefined,
    interOpNumThreads: isSet(env['ORT_INTER_OP_THREADS']) ? ort.interOpNumThreads : undefined,
  };
}
