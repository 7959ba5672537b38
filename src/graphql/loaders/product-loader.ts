import DataLoader from 'dataloader';
import type { Product } from '../../domain/product';
import type { IndexingService } from '../../services/indexing/indexing.service';

/**
 * One `indexing.getProducts` call per batch (all ids asked for in one tick of one request).
 * A batch answers a value or an Error per key, so one bad answer fails only its own key.
 */
export function createProductLoader(
  indexing: Pick<IndexingService, 'getProducts'>,
): DataLoader<string, Product | null> {
  return new DataLoader<string, Product | null>(async (ids) => {
    const products = await indexing.getProducts(ids);
    return ids.map((id, i): Product | null | Error => {
      const product = products[i];
      if (product === undefined) {
        return new Error(`getProducts returned no entry for product ${JSON.stringify(id)}`);
      }
      if (product !== null && product.id !== id) {
        return new Error(`getProducts answered out of order at ${JSON.stringify(id)}`);
      }
      return product;
    });
  });
}
