import {
  decodeVector,
  encodeVector,
  imageVectorsFromSource,
} from '../../../../src/adapters/elasticsearch/elasticsearch-vector-codec';

const bits = (vector: Float32Array) => Array.from(new Uint32Array(vector.buffer));

describe('elasticsearch vector codec', () => {
  it('round-trips float32 vectors bit for bit, as little-endian bytes', () => {
    const vector = Float32Array.from([0.1, -0, 1e-40, -0.33333334, 1, 3.4028235e38]);
    const encoded = encodeVector(vector);
    expect(Buffer.from(encoded, 'base64').readFloatLE(4 * 3)).toBe(vector[3]);
    expect(bits(decodeVector(encoded, vector.length, 'p#0'))).toEqual(bits(vector));
  });

  it('refuses a missing or wrong-length copy with INDEX_UNAVAILABLE', () => {
    const encoded = encodeVector(new Float32Array(3));
    expect(() => decodeVector(encoded, 4, 'p#0')).toThrow(
      expect.objectContaining({ code: 'INDEX_UNAVAILABLE' }),
    );
    expect(() => decodeVector(undefined, 4, 'p#0')).toThrow(
      expect.objectContaining({ code: 'INDEX_UNAVAILABLE' }),
    );
  });

  it('reads the images of a filtered _source in position order', () => {
    const at = (n: number) => encodeVector(Float32Array.of(n, 0));
    const source = {
      images: [
        { id: 'p#1', position: 1, vectorBytes: at(1) },
        { id: 'p#0', position: 0, vectorBytes: at(0) },
      ],
    };
    const images = imageVectorsFromSource(source, 2);
    expect(images.map((image) => [image.imageId, image.vector[0]])).toEqual([
      ['p#0', 0],
      ['p#1', 1],
    ]);
    expect(imageVectorsFromSource({}, 2)).toEqual([]);
  });
});
