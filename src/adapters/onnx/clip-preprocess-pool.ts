/**
 * Photo preprocessing on worker threads. sharp runs its decoding in libuv's pool, but each call
 * also costs the calling thread about a millisecond (building and reading its options, libvips'
 * object set-up), and PIL's resampler (WebAssembly) runs on the calling thread: together about
 * half of what indexing a product costs the event loop. A bulk load was bound by the event loop
 * while a core sat idle; on these threads that work runs beside it.
 *
 * Why not piscina: the threads start through worker-thread.ts (tsx, ts-jest and dist/ alike)
 * and speak worker-rpc.ts like every other thread here, and a call's failure must be the photo's
 * own typed error, revived below; the pool needs nothing more than least-busy dispatch.
 */
import path from 'node:path';
import {
  BadUserInputError,
  ModelUnavailableError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../errors/app-error';
import type { SerializedError, StopReason } from '../../lib/worker-rpc';
import { WorkerClient } from '../../lib/worker-rpc';
import type { DecodedImage } from './clip-decode';
import type { ClipPreprocessApi, ClipPreprocessData } from './clip-preprocess.worker';

/** The errors preprocessing throws for a photo, rebuilt with their codes and details. */
const PHOTO_ERRORS = {
  BadUserInputError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} as const;

function revivePhotoError({ name, message, details }: SerializedError): Error {
  const known = PHOTO_ERRORS[name as keyof typeof PHOTO_ERRORS] as
    (typeof PHOTO_ERRORS)[keyof typeof PHOTO_ERRORS] | undefined;
  if (known !== undefined) return new known(message, details ?? {});
  // Anything else (a bug, a libvips failure we do not classify) stays a plain Error: the
  // embedder turns it into EMBEDDING_FAILED, as it did on the event loop.
  return Object.assign(new Error(message), { name });
}

function stoppedError(reason: StopReason, cause: unknown): ModelUnavailableError {
  const message =
    reason === 'CLOSED' ? 'preprocessing thread terminated' : 'preprocessing thread exited';
  return new ModelUnavailableError(message, { reason }, { cause });
}

interface Thread {
  readonly rpc: WorkerClient<ClipPreprocessApi>;
  busy: number;
}

export class PreprocessPool {
  private constructor(private readonly threads: readonly Thread[]) {}

  /** Starts `size` threads (at least one) for photos preprocessed with `data`. */
  static async start(size: number, data: ClipPreprocessData): Promise<PreprocessPool> {
    if (!Number.isInteger(size) || size < 1) {
      throw new TypeError(`PreprocessPool: size must be a positive integer, got ${size}`);
    }
    const started = await Promise.allSettled(
      Array.from({ length: size }, () =>
        WorkerClient.start<ClipPreprocessApi, ClipPreprocessData>({
          modulePath: path.join(__dirname, 'clip-preprocess.worker'),
          data,
          stoppedError,
          reviveError: revivePhotoError,
        }),
      ),
    );
    const threads = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed !== undefined) {
      await Promise.allSettled(threads.map((rpc) => rpc.terminate()));
      throw failed.reason;
    }
    return new PreprocessPool(threads.map((rpc) => ({ rpc, busy: 0 })));
  }

  /** One photo on the least busy thread; the bytes are copied to it, the pixels move back. */
  async preprocess(bytes: Uint8Array): Promise<DecodedImage> {
    const thread = this.threads.reduce((a, b) => (b.busy < a.busy ? b : a));
    thread.busy++;
    try {
      const { rgb, width, height, format } = await thread.rpc.call('preprocess', [bytes]);
      return {
        rgb: Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength),
        width,
        height,
        format,
      };
    } finally {
      thread.busy--;
    }
  }

  /** Why a thread stopped, or undefined while all run. */
  get failure(): Error | undefined {
    return this.threads.find((t) => t.rpc.failure !== undefined)?.rpc.failure;
  }

  terminate(): Promise<void> {
    return Promise.all(this.threads.map((t) => t.rpc.terminate())).then(() => undefined);
  }
}
