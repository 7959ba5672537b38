import { isAppError, NotFoundError } from '../../errors/app-error';
import type { MutationResolvers } from '../generated/resolvers-types';
import { readPhotoInputs, toProductInput } from '../product-photos';

export const mutationResolvers: MutationResolvers = {
  async indexProduct(_parent, args, ctx) {
    const input = await toProductInput(args.input, ctx.limits.maxUploadBytes);
    // One product per call: an unreadable upload fails the call before any service work.
    const unreadable = input.images.find((photo) => photo.error !== undefined);
    if (unreadable?.error !== undefined) throw unreadable.error;
    const product = await ctx.services.indexing.indexProduct(input);
    ctx.productLoader.clear(product.id).prime(product.id, product);
    return product;
  },

  async indexProducts(_parent, args, ctx) {
    const settled = await Promise.allSettled(
      args.inputs.map((input, i) =>
        toProductInput(input, ctx.limits.maxUploadBytes, `inputs.${i}`),
      ),
    );
    const inputs = settled.map((result, i) => {
      if (result.status === 'fulfilled') return result.value;
      if (!isAppError(result.reason)) throw result.reason;
      return { error: result.reason, id: args.inputs[i]!.id };
    });
    const readable = inputs.filter((input) => !('error' in input));
    const outcomes = await ctx.services.indexing.indexProducts(
      readable as Exclude<(typeof inputs)[number], { error: unknown }>[],
    );
    let next = 0;
    return inputs.map((input, index) => {
      const outcome = 'error' in input ? { product: null, error: input.error } : outcomes[next++]!;
      if (outcome.product !== null) {
        ctx.productLoader.clear(outcome.product.id).prime(outcome.product.id, outcome.product);
        return { index, id: outcome.product.id, product: outcome.product, error: null };
      }
      const { error } = outcome;
      const field = typeof error.details.field === 'string' ? error.details.field : null;
      return {
        index,
        id: args.inputs[index]!.id,
        product: null,
        error: { code: error.code, message: error.message, field },
      };
    });
  },

  async updateProduct(_parent, args, ctx) {
    const product = await ctx.services.indexing.updateProduct(args.id, args.patch);
    ctx.productLoader.clear(product.id).prime(product.id, product);
    return product;
  },

  async addProductPhotos(_parent, args, ctx) {
    const photos = await readPhotoInputs(args.photos, ctx.limits.maxUploadBytes);
    const product = await ctx.services.indexing.addProductPhotos(args.id, photos);
    ctx.productLoader.clear(product.id).prime(product.id, product);
    return product;
  },

  async removeProductPhotos(_parent, args, ctx) {
    const product = await ctx.services.indexing.removeProductPhotos(args.id, args.imageIds);
    ctx.productLoader.clear(product.id).prime(product.id, product);
    return product;
  },

  async recordInteractions(_parent, args, ctx) {
    return ctx.services.feedback.record(
      args.events.map((event) => ({
        type: event.type,
        productId: event.productId,
        query: event.query,
        sessionId: event.sessionId,
        at: event.at,
      })),
    );
  },

  async deleteProduct(_parent, args, ctx) {
    const deleted = await ctx.services.indexing.deleteProduct(args.id);
    ctx.productLoader.clear(args.id);
    if (!deleted) throw new NotFoundError(`No product with id ${args.id}`, { id: args.id });
    return { id: args.id, deleted: true };
  },
};
