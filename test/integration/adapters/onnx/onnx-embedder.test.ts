/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { generateToyModel } from '../../../../scripts/toy-model';
import type { OnnxEmbedder } from '../../../../src/adapters/onnx/onnx-embedder';
import * as ort from 'onnxruntime-node';
import { preprocessImage } from '../../../../src/adapters/onnx/clip-preprocess';
import { loadModelConfig, MODEL_FILES } from '../../../../src/adapters/onnx/model-config';
import { dot, isNormalized, l2Normalize } from '../../../../src/domain/vector';
import { ErrorCode } from '../../../../src/errors/app-error';
import { expectCode, rejectionOf } from '../../../helpers/expect-code';
import type { ColourPhotoOptions } from '../../../helpers/toy-model';
import {
  colourPhoto,
  loadToyEmbedder,
  TOY_COLOURS,
  TOY_EMBED_DIM,
  toyModelDir,
} from '../../../helpers/toy-model';

const COLOUR_NAMES = TOY_COLOURS.map((c) => c.name);

let embedder: OnnxEmbedder;
let colourTexts: Float32Array[];

beforeAll(async () => {
  embedder = await loadToyEmbedder();
  colourTexts = await embedder.embedTexts(COLOUR_NAMES);
});
afterAll(async () => {
  await embedder.close();
});

/** Name of the colour word whose text vector is most similar to `vector`. */
function nearestColour(vector: Float32Array): string {
  const scores = colourTexts.map((text) => dot(text, vector));
  return COLOUR_NAMES[scores.indexOf(Math.max(...scores))] as string;
}

/** Largest element-wise difference (batched kernels may round differently from single runs). */
function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a).toHaveLength(b.length);
  return a.reduce((max, v, i) => Math.max(max, Math.abs(v - (b[i] as number))), 0);
}

describe('OnnxEmbedder over the toy colour CLIP', () => {
  it('names the model after its folder and reports its dims', () => {
    expect(embedder.modelId).toBe('toy-model');
    expect(embedder.dims).toBe(TOY_EMBED_DIM);
  });

  it('puts a noisy photo of every colour nearest its own colour word', async () => {
    const photos = await Promise.all(
      COLOUR_NAMES.map((name, i) => colourPhoto(name, { noise: 25, seed: i })),
    );
    const embeddings = await embedder.embedImages(photos);
    expect(embeddings.map((e) => nearestColour(e.vector))).toEqual(COLOUR_NAMES);
  });

  const mixed: Array<[string, string, ColourPhotoOptions]> = [
    ['red', 'blue', { format: 'jpeg', noise: 30 }],
    ['green', 'white', { format: 'webp', noise: 15 }],
    ['purple', 'yellow', { format: 'png', noise: 40 }],
    ['black', 'pink', { format: 'jpeg', noise: 10 }],
  ];
  it.each(mixed)(
    'sees mostly %s, then %s, in a photo with a patch (%o)',
    async (main, patch, options) => {
      // 300x200 with a 140x140 patch (a third of the pixels) of another colour, off-centre.
      const photo = await colourPhoto(main, {
        ...options,
        width: 300,
        height: 200,
        patches: [{ colour: patch, x: 40, y: 30, width: 140, height: 140 }],
      });
      const [embedding] = await embedder.embedImages([photo]);
      expect(nearestColour(embedding!.vector)).toBe(main);
      // The patch colour is the runner-up: the histogram really sees both.
      const scores = colourTexts.map((text) => dot(text, embedding!.vector));
      const ranked = [...COLOUR_NAMES].sort(
        (a, b) => scores[COLOUR_NAMES.indexOf(b)]! - scores[COLOUR_NAMES.indexOf(a)]!,
      );
      expect(ranked[1]).toBe(patch);
    },
  );

  it('ranks the red photo first for the query "a photo of a red shirt"', async () => {
    const names = ['blue', 'red', 'green', 'orange'];
    const photos = await Promise.all(names.map((name) => colourPhoto(name, { noise: 20 })));
    const images = await embedder.embedImages(photos);
    const [query] = await embedder.embedTexts(['A photo of a RED shirt']);
    const scores = images.map((image) => dot(image.vector, query!));
    expect(names[scores.indexOf(Math.max(...scores))]).toBe('red');
  });

  it('returns L2-normalised vectors of dims floats, with the decoded size and format', async () => {
    const photo = await colourPhoto('cyan', { width: 333, height: 120, format: 'jpeg' });
    const [image] = await embedder.embedImages([photo]);
    const texts = await embedder.embedTexts(['cyan', '', 'no colour words here']);
    expect(image).toMatchObject({ width: 333, height: 120, format: 'jpeg' });
    for (const vector of [image!.vector, ...texts]) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(TOY_EMBED_DIM);
      expect(isNormalized(vector, 1e-5)).toBe(true);
      expect(vector.some((v) => v !== 0)).toBe(true);
    }
  });

  it('gives the same vectors in a batch as one by one, in input order', async () => {
    const photos = await Promise.all(
      ['yellow', 'brown', 'grey'].map((n) => colourPhoto(n, { noise: 35, seed: 7 })),
    );
    const batch = await embedder.embedImages(photos);
    const singles = await Promise.all(
      photos.map(async (p) => (await embedder.embedImages([p]))[0]!),
    );
    batch.forEach((b, i) => expect(maxDiff(b.vector, singles[i]!.vector)).toBeLessThan(1e-6));
    const texts = ['red', 'a blue bag', 'gray socks'];
    const textBatch = await embedder.embedTexts(texts);
    for (const [i, text] of texts.entries()) {
      const [single] = await embedder.embedTexts([text]);
      expect(maxDiff(textBatch[i]!, single!)).toBeLessThan(1e-6);
    }
    expect(nearestColour(textBatch[2]!)).toBe('grey');
  });

  it('returns empty arrays for empty input', async () => {
    await expect(embedder.embedImages([])).resolves.toEqual([]);
    await expect(embedder.embedTexts([])).resolves.toEqual([]);
  });
});

describe('OnnxEmbedder errors', () => {
  it('refuses bytes that are not an image, even inside a batch of good ones', async () => {
    const good = await colourPhoto('red');
    await expectCode(
      embedder.embedImages([good, Buffer.from('not an image')]),
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    );
  });

  it('refuses an SVG at once, without waiting behind photos that hold every decoding slot', async () => {
    const big = await sharp({
      create: { width: 3000, height: 3000, channels: 3, background: '#3a6' },
    })
      .jpeg()
      .toBuffer();
    let decoded = 0;
    const busy = Array.from({ length: 8 }, () =>
      embedder.prepareImage(big).then(() => {
        decoded += 1;
      }),
    );
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>');
    await expectCode(embedder.prepareImage(svg), ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    // Refused before any of the eight queued 9-megapixel decodes finished.
    expect(decoded).toBe(0);
    await Promise.all(busy);
    expect(decoded).toBe(8);
  });

  it('reports a truncated JPEG as BAD_USER_INPUT / IMAGE_CORRUPT', async () => {
    const jpeg = await colourPhoto('green', { width: 400, height: 300, noise: 50, format: 'jpeg' });
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    const error = await expectCode(embedder.embedImages([truncated]), ErrorCode.BAD_USER_INPUT);
    expect(error.details).toEqual({ reason: 'IMAGE_CORRUPT' });
  });

  it('refuses photos over maxInputPixels with PAYLOAD_TOO_LARGE', async () => {
    const small = await loadToyEmbedder({ maxInputPixels: 100 * 100 });
    try {
      await expect(
        small.embedImages([await colourPhoto('red', { width: 100, height: 100 })]),
      ).resolves.toHaveLength(1);
      await expectCode(
        small.embedImages([await colourPhoto('red', { width: 101, height: 100 })]),
        ErrorCode.PAYLOAD_TOO_LARGE,
      );
    } finally {
      await small.close();
    }
  });

  it('fails every call with MODEL_UNAVAILABLE once closed', async () => {
    const closing = await loadToyEmbedder({ modelId: 'closing' });
    expect(closing.modelId).toBe('closing');
    const photo = await colourPhoto('red');
    const prepared = await closing.prepareImage(photo);
    const tokens = await closing.prepareText('red');
    await closing.close();
    const closed = { code: ErrorCode.MODEL_UNAVAILABLE, details: { reason: 'CLOSED' } };
    const calls = [
      closing.embedTexts(['red']),
      closing.embedImages([photo]),
      closing.prepareImage(photo),
      closing.prepareText('red'),
      closing.inferImages([prepared]),
      closing.inferTexts([tokens]),
      closing.ping(),
    ];
    for (const error of await Promise.all(calls.map(rejectionOf)))
      expect(error).toMatchObject(closed);
  });

  it('answers ping while its ONNX Runtime thread runs, and MODEL_UNAVAILABLE once it died', async () => {
    const dying = await loadToyEmbedder({ modelId: 'dying' });
    try {
      await expect(dying.ping()).resolves.toBeUndefined();
      // Kill the Node worker under the adapter, as a crash of the native runtime would.
      const internals = dying as unknown as {
        worker: { rpc: { worker: { terminate(): Promise<number> } } };
      };
      await internals.worker.rpc.worker.terminate();
      const died = await expectCode(dying.ping(), ErrorCode.MODEL_UNAVAILABLE);
      expect(died.details).toMatchObject({ reason: 'WORKER_EXITED' });
      await expectCode(dying.embedTexts(['red']), ErrorCode.EMBEDDING_FAILED);
    } finally {
      await dying.close();
    }
    expect(await rejectionOf(dying.ping())).toMatchObject({ details: { reason: 'CLOSED' } });
  });

  it('checks its options with a TypeError', async () => {
    await expect(loadToyEmbedder({ maxInputPixels: 0 })).rejects.toBeInstanceOf(TypeError);
    await expect(loadToyEmbedder({ intraOpNumThreads: -1 })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('photos preprocessed on worker threads (preprocessThreads > 0)', () => {
  let threaded: OnnxEmbedder;
  beforeAll(async () => {
    threaded = await loadToyEmbedder({ modelId: 'threaded', preprocessThreads: 2 });
  });
  afterAll(async () => {
    await threaded.close();
  });

  it('gives the pixels and vectors of the event-loop path, for every kind of photo', async () => {
    const photos = await Promise.all([
      colourPhoto('red', { noise: 40, seed: 1 }),
      colourPhoto('green', { width: 640, height: 480, noise: 30, seed: 2, format: 'jpeg' }),
      colourPhoto('blue', { width: 100, height: 150, noise: 20, seed: 3 }), // enlarged
      sharp({ create: { width: 300, height: 200, channels: 4, background: '#c0402080' } })
        .png()
        .toBuffer(), // alpha: the full-decode path
    ]);
    const inLoop = await Promise.all(photos.map((p) => embedder.prepareImage(p)));
    const onThreads = await Promise.all(photos.map((p) => threaded.prepareImage(p)));
    for (const [i, prepared] of onThreads.entries()) {
      const { rgb, ...rest } = inLoop[i]!;
      expect(prepared).toMatchObject(rest);
      expect(Buffer.compare(prepared.rgb, rgb)).toBe(0);
    }
    const a = await embedder.embedImages(photos);
    const b = await threaded.embedImages(photos);
    b.forEach((e, i) => expect(maxDiff(e.vector, a[i]!.vector)).toBe(0));
  });

  it('fails a photo with its own code and details, as on the event loop', async () => {
    const jpeg = await colourPhoto('green', { width: 400, height: 300, noise: 50, format: 'jpeg' });
    const corrupt = await expectCode(
      threaded.prepareImage(jpeg.subarray(0, Math.floor(jpeg.length / 2))),
      ErrorCode.BAD_USER_INPUT,
    );
    expect(corrupt.details).toEqual({ reason: 'IMAGE_CORRUPT' });
    const small = await loadToyEmbedder({ maxInputPixels: 100 * 100, preprocessThreads: 1 });
    try {
      const big = await colourPhoto('red', { width: 101, height: 100 });
      const tooLarge = await expectCode(small.prepareImage(big), ErrorCode.PAYLOAD_TOO_LARGE);
      expect(tooLarge.details).toMatchObject({ maxInputPixels: 100 * 100 });
    } finally {
      await small.close();
    }
  });

  it('reports a dead preprocessing thread on ping and fails photos with a code', async () => {
    const dying = await loadToyEmbedder({ modelId: 'dying-pool', preprocessThreads: 1 });
    try {
      await dying.prepareImage(await colourPhoto('red')); // starts the pool
      await expect(dying.ping()).resolves.toBeUndefined();
      const internals = dying as unknown as {
        poolNow: { threads: { rpc: { worker: { terminate(): Promise<number> } } }[] };
      };
      await internals.poolNow.threads[0]!.rpc.worker.terminate();
      const died = await expectCode(dying.ping(), ErrorCode.MODEL_UNAVAILABLE);
      expect(died.details).toMatchObject({ reason: 'WORKER_EXITED' });
      await expectCode(dying.prepareImage(await colourPhoto('red')), ErrorCode.MODEL_UNAVAILABLE);
    } finally {
      await dying.close();
    }
  });

  it('stops its threads on close', async () => {
    const closing = await loadToyEmbedder({ modelId: 'closing-pool', preprocessThreads: 2 });
    await closing.prepareImage(await colourPhoto('red'));
    const pool = (closing as unknown as { poolNow: { failure: Error | undefined } }).poolNow;
    expect(pool.failure).toBeUndefined();
    await closing.close();
    expect(pool.failure).toMatchObject({ details: { reason: 'CLOSED' } });
  });

  it('checks the thread count with a TypeError', async () => {
    await expect(loadToyEmbedder({ preprocessThreads: -1 })).rejects.toBeInstanceOf(TypeError);
    await expect(loadToyEmbedder({ preprocessThreads: 1.5 })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('photos sent to the ONNX Runtime thread as 8-bit pixels', () => {
  it('embed exactly as the float tensor preprocessImage makes, run in this thread', async () => {
    const dir = toyModelDir();
    const config = await loadModelConfig(dir);
    const session = await ort.InferenceSession.create(path.join(dir, MODEL_FILES.visualModel));
    try {
      const photos = await Promise.all(
        ['red', 'green', 'blue'].map((name, i) => colourPhoto(name, { noise: 40, seed: i })),
      );
      const ours = await embedder.embedImages(photos);
      for (const [i, photo] of photos.entries()) {
        const { tensor } = await preprocessImage(photo, config.preprocess, 1e8);
        const size = config.preprocess.size;
        const input = new ort.Tensor('float32', tensor, [1, 3, size, size]);
        const output = await session.run({ [session.inputNames[0] as string]: input });
        const raw = l2Normalize(
          Float32Array.from(output[session.outputNames[0] as string]!.data as Float32Array),
        );
        expect(maxDiff(ours[i]!.vector, raw)).toBeLessThan(1e-5);
      }
    } finally {
      await session.release();
    }
  });
});

describe('OnnxEmbedder on a fixed-batch export (as Immich ships them)', () => {
  let dir: string;
  let fixed: OnnxEmbedder;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'toy-fixed-batch-'));
    await generateToyModel(dir, { fixedBatch: true });
    fixed = await loadToyEmbedder({ modelDir: dir });
  });
  afterAll(async () => {
    await fixed.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs row by row and gives the same vectors as the dynamic-batch model', async () => {
    const photos = await Promise.all(['pink', 'orange'].map((n) => colourPhoto(n, { noise: 20 })));
    const [a, b] = await Promise.all([fixed.embedImages(photos), embedder.embedImages(photos)]);
    a.forEach((e, i) => expect(maxDiff(e.vector, b[i]!.vector)).toBeLessThan(1e-6));
    const [ta, tb] = await Promise.all([
      fixed.embedTexts(['pink', 'orange']),
      embedder.embedTexts(['pink', 'orange']),
    ]);
    ta.forEach((v, i) => expect(maxDiff(v, tb[i]!)).toBeLessThan(1e-6));
  });
});
