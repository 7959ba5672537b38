import type { Product, ProductImage } from '../../../src/domain/product';
import type {
  Product as SchemaProduct,
  ProductImage as SchemaProductImage,
} from '../../../src/graphql/generated/resolvers-types';
import { axisVector, expectedProduct, makeProduct } from '../../helpers/product-fixtures';

// Product and ProductImage have no field resolvers: the default ones read the domain object.
// These assignments fail tsc (and so `npm run check`) when schema.graphql declares a field, or
// a type for it, that the domain type does not carry.
// Product.similar is the one field with its own resolver (a search), so it is left out.
const asSchemaProduct = (product: Product): Omit<SchemaProduct, 'similar'> => product;
const asSchemaImage = (image: ProductImage): SchemaProductImage => image;

describe('the domain types cover schema.graphql', () => {
  it('serves every Product and ProductImage field from the domain object (checked by tsc)', () => {
    const product = expectedProduct(makeProduct({ id: 'a', vectors: [axisVector(2, 0)] }));
    expect(asSchemaProduct(product).id).toBe('a');
    expect(product.images.map(asSchemaImage)).toEqual(product.images);
  });
});
