/**
 * Photo preprocessing on a thread of its own (see clip-preprocess-pool.ts for why): decode with
 * sharp, PIL's resize and crop in WebAssembly, 8-bit RGB out. Calls run concurrently, as on the
 * event loop: sharp's work goes to libuv's pool, the resampler takes turns per thread.
 */
import { serve, Transfer } from '../../lib/worker-rpc';
import type { DecodedImage } from './clip-decode';
import { preprocessPixels } from './clip-preprocess';
import type { PreprocessConfig } from './model-config';

export interface ClipPreprocessData {
  readonly config: PreprocessConfig;
  readonly maxInputPixels: number;
}

/** A preprocessed photo as it crosses threads (a Buffer arrives as a plain Uint8Array). */
export interface PreprocessedPixels extends Omit<DecodedImage, 'rgb'> {
  readonly rgb: Uint8Array;
}

export interface ClipPreprocessApi {
  /** The photo's size x size RGB, or its typed error (thrown by preprocessPixels). */
  preprocess(bytes: Uint8Array): PreprocessedPixels;
}

serve<ClipPreprocessApi, ClipPreprocessData>(({ config, maxInputPixels }) => ({
  preprocess: async (bytes) => {
    const { rgb, width, height, format } = await preprocessPixels(bytes, config, maxInputPixels);
    // The pixels move to the caller; a view into a larger (or pooled) buffer is copied first.
    const own =
      rgb.byteOffset === 0 && rgb.byteLength === rgb.buffer.byteLength
        ? rgb
        : Uint8Array.prototype.slice.call(rgb);
    return new Transfer({ rgb: own, width, height, format }, [own.buffer as ArrayBuffer]);
  },
}));
