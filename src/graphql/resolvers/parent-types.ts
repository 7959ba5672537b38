import type { Product } from '../../domain/product';
import type { SearchHit } from '../../domain/search';

/** A hit with its product already loaded (through the request's DataLoader). */
export interface LoadedHit {
  readonly hit: SearchHit;
  readonly product: Product;
  /** Hits folded into this one by near-duplicate collapse, best first. */
  readonly duplicates?: readonly Product[];
}
