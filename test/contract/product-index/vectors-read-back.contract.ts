import type { ImageVector, ProductDocument } from '../../../src/domain/product';
import { makeProduct, randomUnitVector, seededRandom } from '../../helpers/product-fixtures';
import { CONTRACT_DIMS, upsertAll, type ContractContext } from './contract-fixtures';

/** What getImageVectors must give back for a document: its vectors, by position. */
function storedVectors(doc: ProductDocument): Array<{ imageId: string; bits: number[] }> {
  return [...doc.images]
    .sort((a, b) => a.position - b.position)
    .map((image) => ({ imageId: image.id, bits: bitsOf(image.vector) }));
}

/** The float32 bit patterns: "exactly the stored vector" means these, not approximately. */
function bitsOf(vector: Float32Array): number[] {
  return Array.from(new Uint32Array(Float32Array.from(vector).buffer));
}

function asBits(images: ImageVector[] | null): Array<{ imageId: string; bits: number[] }> | null {
  return images?.map((image) => ({ imageId: image.imageId, bits: bitsOf(image.vector) })) ?? null;
}

function unitVectors(count: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => randomUnitVector(CONTRACT_DIMS, random));
}

/** getImageVectors: the stored vectors, bit for bit, for the features that need them. */
export function describeVectorsReadBack(ctx: ContractContext): void {
  describe('vectors read-back', () => {
    it('returns each image vector exactly as written, by position, null for unknown ids', async () => {
      const a = makeProduct({ id: 'v-a', vectors: unitVectors(3, 31) });
      const b = makeProduct({ id: 'v-b', vectors: unitVectors(1, 32) });
      await ctx.index.upsert(a);
      await ctx.index.upsertMany([b]);
      const got = await ctx.index.getImageVectors(['v-b', 'nope', 'v-a']);
      expect(got.map(asBits)).toEqual([storedVectors(b), null, storedVectors(a)]);
      for (const image of got.flatMap((images) => images ?? [])) {
        expect(image.vector).toBeInstanceOf(Float32Array);
        expect(image.vector).toHaveLength(CONTRACT_DIMS);
      }
      expect(await ctx.index.getImageVectors([])).toEqual([]);
    });

    it('follows re-upserts and deletes', async () => {
      const docs = [
        makeProduct({ id: 'r-1', vectors: unitVectors(2, 41) }),
        makeProduct({ id: 'r-2', vectors: unitVectors(2, 42) }),
      ];
      await upsertAll(ctx.index, docs);
      const replaced = makeProduct({ id: 'r-1', vectors: unitVectors(1, 43) });
      await ctx.index.upsert(replaced);
      await ctx.index.delete('r-2');
      const got = await ctx.index.getImageVectors(['r-1', 'r-2']);
      expect(got.map(asBits)).toEqual([storedVectors(replaced), null]);
    });

    it('hands out copies: changing a returned or written vector changes nothing stored', async () => {
      const written = unitVectors(1, 51);
      const doc = makeProduct({ id: 'c-1', vectors: written });
      const expected = storedVectors(doc);
      await ctx.index.upsert(doc);
      written[0]!.fill(0);
      const [first] = await ctx.index.getImageVectors(['c-1']);
      first![0]!.vector.fill(0);
      const [second] = await ctx.index.getImageVectors(['c-1']);
      expect(asBits(second!)).toEqual(expected);
    });
  });
}
