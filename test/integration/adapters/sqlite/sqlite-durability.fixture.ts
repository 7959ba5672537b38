import type { ProductDocument } from '../../../../src/domain/product';
import { makeProduct, randomUnitVector, seededRandom } from '../../../helpers/product-fixtures';

/** Product n of the crash test, identical in the child that writes and the test that checks. */
export function crashProduct(n: number, dims: number): ProductDocument {
  const random = seededRandom(1000 + n);
  return makeProduct({
    id: `crash-${String(n).padStart(5, '0')}`,
    title: `crash product ${n}`,
    description: `written by the child as number ${n}`,
    price: n,
    tags: [`t${n % 3}`],
    vectors: [0, 1, 2].map(() => randomUnitVector(dims, random)),
  });
}
