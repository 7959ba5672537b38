import { makeProduct, randomUnitVector, seededRandom } from '../../helpers/product-fixtures';
import { CONTRACT_DIMS, type ContractContext } from './contract-fixtures';

function bitsOf(vector: Float32Array): number[] {
  return Array.from(new Uint32Array(Float32Array.from(vector).buffer));
}

/** findVectorsBySha256: the stored vector for known bytes, null once nothing references them. */
export function describePhotoHashes(ctx: ContractContext): void {
  describe('vectors by photo hash', () => {
    it('finds the stored vector, width and height per hash, in order, null when unknown', async () => {
      const random = seededRandom(81);
      const a = makeProduct({
        id: 'h-a',
        vectors: [randomUnitVector(CONTRACT_DIMS, random), randomUnitVector(CONTRACT_DIMS, random)],
      });
      const b = makeProduct({ id: 'h-b', vectors: [randomUnitVector(CONTRACT_DIMS, random)] });
      await ctx.index.upsertMany([a, b]);
      const [a0, a1] = a.images;
      const [b0] = b.images;
      const unknown = 'f'.repeat(64);
      const got = await ctx.index.findVectorsBySha256([
        b0!.contentSha256,
        unknown,
        a1!.contentSha256,
        a0!.contentSha256,
      ]);
      expect(got[1]).toBeNull();
      const expected = [b0!, null, a1!, a0!].map((image) =>
        image === null
          ? null
          : { bits: bitsOf(image.vector), width: image.width, height: image.height },
      );
      expect(
        got.map((hit) =>
          hit === null ? null : { bits: bitsOf(hit.vector), width: hit.width, height: hit.height },
        ),
      ).toEqual(expected);
      for (const hit of got) if (hit !== null) expect(hit.vector).toBeInstanceOf(Float32Array);
      expect(await ctx.index.findVectorsBySha256([])).toEqual([]);
    });

    it('follows replacements and deletes: a hash no product references is null', async () => {
      const random = seededRandom(82);
      const first = makeProduct({ id: 'h-1', vectors: [randomUnitVector(CONTRACT_DIMS, random)] });
      const shared = { ...first, id: 'h-2' };
      await ctx.index.upsertMany([first, shared]);
      const hash = first.images[0]!.contentSha256;
      await ctx.index.delete('h-1');
      expect((await ctx.index.findVectorsBySha256([hash]))[0]).not.toBeNull();
      const replaced = makeProduct({
        id: 'h-2',
        vectors: [randomUnitVector(CONTRACT_DIMS, random)],
      });
      await ctx.index.upsert({
        ...replaced,
        images: replaced.images.map((image) => ({ ...image, contentSha256: 'e'.repeat(64) })),
      });
      expect(await ctx.index.findVectorsBySha256([hash, 'e'.repeat(64)])).toEqual([
        null,
        expect.objectContaining({ width: replaced.images[0]!.width }),
      ]);
    });
  });
}
