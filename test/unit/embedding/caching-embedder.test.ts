import { ErrorCode, UnsupportedMediaTypeError } from '../../../src/errors/app-error';
import { contentSha256 } from '../../../src/domain/content-hash';
import { CachingEmbedder, normaliseText } from '../../../src/embedding/caching-embedder';
import { EmbeddingCache } from '../../../src/embedding/embedding-cache';
import type { EmbeddingKind, InferenceObserver } from '../../../src/embedding/inference-observer';
import type { Embedder, ImageEmbedding } from '../../../src/ports/embedder.port';

/**
 * Records every call. Image bytes [n, ...] embed to [n, 0, 0] (n = 0 is not an image); a text
 * embeds to [length, 0, 0].
 */
class RecordingEmbedder implements Embedder {
  readonly modelId = 'fake-model';
  readonly dims = 3;
  readonly imageCalls: number[][] = [];
  readonly textCalls: string[][] = [];

  embedImages(images: readonly Uint8Array[]): Promise<ImageEmbedding[]> {
    this.imageCalls.push(images.map((b) => b[0] ?? 0));
    if (images.some((b) => b[0] === 0)) {
      return Promise.reject(new UnsupportedMediaTypeError('not an image'));
    }
    return Promise.resolve(
      images.map((b) => ({
        vector: Float32Array.of(b[0] ?? 0, 0, 0),
        width: 2,
        height: 3,
        format: 'png',
      })),
    );
  }

  embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    this.textCalls.push([...texts]);
    return Promise.resolve(texts.map((t) => Float32Array.of(t.length, 0, 0)));
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class CountingObserver implements InferenceObserver {
  readonly counts: Record<string, number> = {};
  cacheLookup(kind: EmbeddingKind, hit: boolean): void {
    const key = `${kind}:${hit ? 'hit' : 'miss'}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }
  batch(): void {}
  queueDepth(): void {}
  rejected(): void {}
}

function setup(sizes: { textCacheSize?: number; imageCacheSize?: number } = {}) {
  const inner = new RecordingEmbedder();
  const observer = new CountingObserver();
  const embedder = new CachingEmbedder(inner, {
    textCacheSize: sizes.textCacheSize ?? 100,
    imageCacheSize: sizes.imageCacheSize ?? 100,
    observer,
  });
  return { inner, observer, embedder };
}

/** A fresh buffer each time: the cache must key on content, not identity. */
const bytes = (...values: number[]) => Buffer.from(values);

describe('text cache', () => {
  it('normalises text: trims, collapses whitespace, lower-cases', () => {
    expect(normaliseText('  A  Red\t\nShirt ')).toBe('a red shirt');
  });

  it('embeds variants of one text once, counting hits and misses', async () => {
    const { inner, observer, embedder } = setup();
    const first = await embedder.embedTexts(['Red  Shirt ']);
    const again = await embedder.embedTexts(['red shirt', '\tRED SHIRT', 'blue']);
    expect(inner.textCalls).toEqual([['red shirt'], ['blue']]);
    expect(again.map((v) => v[0])).toEqual([9, 9, 4]);
    expect(first[0]).toEqual(again[0]);
    expect(observer.counts).toEqual({ 'text:miss': 2, 'text:hit': 2 });
  });

  it('hands out copies, so a caller mutating a vector cannot corrupt the cache', async () => {
    const { embedder } = setup();
    const [vector] = await embedder.embedTexts(['abc']);
    vector!.fill(42);
    const [again] = await embedder.embedTexts(['abc']);
    expect(Array.from(again!)).toEqual([3, 0, 0]);
  });

  it('evicts the least recently used text beyond its size', async () => {
    const { inner, embedder } = setup({ textCacheSize: 2 });
    await embedder.embedTexts(['a']);
    await embedder.embedTexts(['bb']);
    await embedder.embedTexts(['a']); // a is now the most recent
    await embedder.embedTexts(['ccc']); // evicts bb
    await embedder.embedTexts(['a', 'bb']);
    expect(inner.textCalls).toEqual([['a'], ['bb'], ['ccc'], ['bb']]);
  });

  it('passes calls straight through when the size is 0', async () => {
    const { inner, observer, embedder } = setup({ textCacheSize: 0 });
    await embedder.embedTexts(['Red', 'Red']);
    await embedder.embedTexts(['Red']);
    expect(inner.textCalls).toEqual([['Red', 'Red'], ['Red']]);
    expect(observer.counts).toEqual({});
  });
});

describe('image cache', () => {
  it('never sends identical bytes to the model twice, across and within calls', async () => {
    const { inner, observer, embedder } = setup();
    const first = await embedder.embedImages([bytes(5, 1), bytes(6, 1), bytes(5, 1)]);
    const second = await embedder.embedImages([bytes(6, 1), bytes(5, 1)]);
    expect(inner.imageCalls.flat().sort()).toEqual([5, 6]);
    expect(first.map((e) => e.vector[0])).toEqual([5, 6, 5]);
    expect(second.map((e) => e.vector[0])).toEqual([6, 5]);
    expect(second[1]).toEqual({
      vector: Float32Array.of(5, 0, 0),
      width: 2,
      height: 3,
      format: 'png',
    });
    expect(observer.counts).toEqual({ 'image:miss': 2, 'image:hit': 3 });
  });

  it('shares one computation between concurrent callers of the same bytes', async () => {
    const { inner, embedder } = setup();
    const results = await Promise.all([
      embedder.embedImages([bytes(7, 2)]),
      embedder.embedImages([bytes(7, 2)]),
    ]);
    expect(inner.imageCalls).toEqual([[7]]);
    expect(results.map((r) => r[0]!.vector[0])).toEqual([7, 7]);
  });

  it('keys on every byte, not just the first', async () => {
    const { inner, embedder } = setup();
    await embedder.embedImages([bytes(8, 1)]);
    await embedder.embedImages([bytes(8, 2)]);
    expect(inner.imageCalls).toEqual([[8], [8]]);
  });

  it('fails only the caller with the bad photo, even when callers share a good one', async () => {
    const { embedder } = setup();
    const withBad = embedder.embedImages([bytes(9, 9), bytes(0)]).then(
      () => 'resolved',
      (error: { code?: unknown }) => error.code,
    );
    const good = embedder.embedImages([bytes(9, 9)]);
    expect(await withBad).toBe(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    expect((await good)[0]!.vector[0]).toBe(9);
  });

  it('does not cache failures', async () => {
    const { inner, embedder } = setup();
    for (let i = 0; i < 2; i++) {
      await expect(embedder.embedImages([bytes(0)])).rejects.toMatchObject({
        code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      });
    }
    expect(inner.imageCalls).toEqual([[0], [0]]);
  });

  it('hashes with sha256, once per buffer', async () => {
    const abc = Buffer.from('abc');
    expect(await contentSha256(abc)).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    // The catalog service asks for the same buffer's hash: it gets the same digest promise.
    expect(contentSha256(abc)).toBe(contentSha256(abc));
    expect(contentSha256(Buffer.from('abc'))).not.toBe(contentSha256(abc));
    expect(await contentSha256(Buffer.from('abd'))).not.toBe(await contentSha256(abc));
  });
});

describe('EmbeddingCache', () => {
  it('refuses a size below 1 with a TypeError', () => {
    expect(() => new EmbeddingCache(0)).toThrow(TypeError);
  });

  it('keeps separate entries for the same text under different model ids', async () => {
    const cache = new EmbeddingCache<Float32Array>(10);
    const computed: string[] = [];
    const compute = (key: string) => () => {
      computed.push(key);
      return Promise.resolve(new Float32Array(1));
    };
    await cache.get('model-a\u0000red', compute('a'));
    await cache.get('model-b\u0000red', compute('b'));
    await cache.get('model-a\u0000red', compute('a again'));
    expect(computed).toEqual(['a', 'b']);
  });
});

it('CachingEmbedder refuses negative sizes with a TypeError', () => {
  expect(
    () => new CachingEmbedder(new RecordingEmbedder(), { textCacheSize: -1, imageCacheSize: 1 }),
  ).toThrow(TypeError);
});
