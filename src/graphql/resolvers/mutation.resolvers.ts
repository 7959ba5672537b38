import { BadUserInputError, NotFoundError } from '../../errors/app-error';
import type { MutationResolvers } from '../generated/resolvers-types';
import { readUploads } from '../uploads';

export const mutationResolvers: MutationResolvers = {
  async indexProduct(_parent, args, ctx) {
    const { images, imageUrls, ...fields } = args.input;
    if (imageUrls !== null && imageUrls !== undefined && imageUrls.length > images.length) {
      // Drain the uploads anyway, so graphql-upload-ts can release their temp files.
      await readUploads(images, ctx.limits.maxUploadBytes, 'input.images').catch(() => undefined);
      throw new BadUserInputError('imageUrls has more entries than images', {
        fields: [{ field: 'imageUrls', problem: 'count' }],
      });
    }
    const files = await readUploads(images, ctx.limits.maxUploadBytes, 'input.images');
    const product = await ctx.services.indexing.indexProduct({
      ...fields,
      images: files.map((file, i) => ({
        bytes: file.bytes,
        filename: file.filename,
        url: imageUrls?.[i] ?? null,
      })),
    });
    ctx.productLoader.clear(product.id).prime(product.id, product);
    return product;
  },

  async deleteProduct(_parent, args, ctx) {
    const deleted = await ctx.services.indexing.deleteProduct(args.id);
    ctx.productLoader.clear(args.id);
    if (!deleted) throw new NotFoundError(`No product with id ${args.id}`, { id: args.id });
    return { id: args.id, deleted: true };
  },
};
