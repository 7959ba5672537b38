import type { Embedder, ImageEmbedding } from '../../src/ports/embedder.port';

/** Embeds bytes as the unit vector along axis bytes[0] % dims, and text along its length. */
export class RecordingEmbedder implements Embedder {
  readonly modelId = 'fake-model';
  readonly dims = 4;
  readonly imageCalls: number[] = [];
  readonly textCalls: string[][] = [];

  embedImages(images: readonly Uint8Array[]): Promise<ImageEmbedding[]> {
    this.imageCalls.push(images.length);
    return Promise.resolve(
      images.map((bytes) => ({
        vector: this.axis(bytes[0] ?? 0),
        width: 10,
        height: 20,
        format: 'png',
      })),
    );
  }

  embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    this.textCalls.push([...texts]);
    return Promise.resolve(texts.map((text) => this.axis(text.length)));
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private axis(n: number): Float32Array {
    const v = new Float32Array(this.dims);
    v[n % this.dims] = 1;
    return v;
  }
}
