/**
 * The ProductIndex contract (see the port's invariants), defined once and run against every
 * adapter and the in-memory fake. Each concern lives in its own file; this one owns the
 * per-test lifecycle: a fresh, opened adapter before each test, everything closed and the
 * storage removed after it.
 */
import type { VectorHit } from '../../../src/domain/search';
import type { ProductIndex } from '../../../src/ports/product-index.port';
import {
  CONTRACT_BINDING,
  type ContractContext,
  type ProductIndexHarness,
} from './contract-fixtures';
import { describeFilters } from './filters.contract';
import { describeKeywordSearch } from './keyword-search.contract';
import { describeLifecycle } from './lifecycle.contract';
import { describePartialUpdates } from './partial-updates.contract';
import { describePhotoHashes } from './photo-hashes.contract';
import { describeProductIds } from './product-ids.contract';
import { describeUpsertMany } from './upsert-many.contract';
import { describeVectorSearch } from './vector-search.contract';
import { describeVectorsReadBack } from './vectors-read-back.contract';
import { describeWritesAndReads } from './writes-and-reads.contract';

export type { ProductIndexHarness } from './contract-fixtures';

export function describeProductIndexContract(name: string, harness: ProductIndexHarness): void {
  const tolerance = harness.similarityTolerance ?? 1e-5;
  const adapters: ProductIndex[] = [];
  let current: ProductIndex | undefined;

  const ctx: ContractContext = {
    harness,
    get index(): ProductIndex {
      if (current === undefined) throw new Error('no adapter: the contract runs inside its tests');
      return current;
    },
    async opened(adapter) {
      const ready = await adapter;
      adapters.push(ready);
      await ready.open();
      return ready;
    },
    track(adapter) {
      adapters.push(adapter);
    },
    expectHits(actual: VectorHit[], expected: VectorHit[]) {
      expect(actual.map((h) => [h.productId, h.imageId])).toEqual(
        expected.map((h) => [h.productId, h.imageId]),
      );
      actual.forEach((hit, i) => {
        const want = (expected[i] as VectorHit).similarity;
        expect(Math.abs(hit.similarity - want)).toBeLessThanOrEqual(tolerance);
      });
    },
  };

  describe(`ProductIndex contract: ${name}`, () => {
    beforeEach(async () => {
      current = await ctx.opened(harness.create(CONTRACT_BINDING));
    });

    afterEach(async () => {
      current = undefined;
      for (const adapter of adapters.splice(0)) await adapter.close();
      await harness.cleanup();
    });

    describeWritesAndReads(ctx);
    describeUpsertMany(ctx);
    describeVectorSearch(ctx);
    describeKeywordSearch(ctx);
    describeFilters(ctx);
    describeVectorsReadBack(ctx);
    describePartialUpdates(ctx);
    describePhotoHashes(ctx);
    describeProductIds(ctx);
    describeLifecycle(ctx);
  });
}
