import type { Client } from '@elastic/elasticsearch';
import type { ProductDocument } from '../../domain/product';
import type { AppError } from '../../errors/app-error';
import { DimensionMismatchError } from '../../errors/app-error';
import { toSource } from './elasticsearch-documents';
import { errorForStatus, translateEsError, type EsErrorCause } from './elasticsearch-errors';

/** When a write becomes visible to searches: before it resolves ('wait_for', true) or later. */
export type RefreshPolicy = 'wait_for' | boolean;

export interface BulkItemFailure {
  readonly productId: string;
  readonly error: AppError;
}

/** One bulk request's outcome: each product either succeeded or failed alone. */
export interface BulkUpsertResult {
  readonly succeeded: readonly string[];
  readonly failed: readonly BulkItemFailure[];
}

/** Throws DimensionMismatchError unless every image vector has the index's dims. */
export function checkDocumentDims(doc: ProductDocument, dims: number): void {
  for (const image of doc.images) {
    if (!(image.vector instanceof Float32Array) || image.vector.length !== dims) {
      throw new DimensionMismatchError("An image vector does not have the index's dims", {
        productId: doc.id,
        imageId: image.id,
        expectedDims: dims,
        actualDims: image.vector instanceof Float32Array ? image.vector.length : null,
      });
    }
  }
}

interface BulkItem {
  readonly _id?: string | null;
  readonly status: number;
  readonly error?: EsErrorCause;
}

/**
 * Indexes many products in one `_bulk` request. Each `index` action replaces the whole
 * product. Products whose vectors have the wrong dims fail before the request; Elasticsearch's
 * per-item errors come back as AppErrors, so one bad product never fails the others.
 * Throws only when the request as a whole fails (outage, timeout).
 */
export async function bulkUpsert(
  client: Client,
  alias: string,
  dims: number,
  docs: readonly ProductDocument[],
  refresh: RefreshPolicy,
): Promise<BulkUpsertResult> {
  const failed: BulkItemFailure[] = [];
  const operations: unknown[] = [];
  const sent: string[] = [];
  for (const doc of docs) {
    try {
      checkDocumentDims(doc, dims);
    } catch (error) {
      failed.push({ productId: doc.id, error: error as AppError });
      continue;
    }
    operations.push({ index: { _id: doc.id } }, toSource(doc));
    sent.push(doc.id);
  }
  if (sent.length === 0) return { succeeded: [], failed };
  let items: ReadonlyArray<Record<string, BulkItem | undefined>>;
  try {
    ({ items } = await client.bulk({ index: alias, refresh, operations }));
  } catch (error) {
    throw translateEsError(error, 'bulkUpsert');
  }
  const succeeded: string[] = [];
  items.forEach((entry, position) => {
    const item = entry.index;
    const productId = sent[position] ?? item?._id ?? '';
    if (item !== undefined && item.status < 300 && item.error === undefined) {
      succeeded.push(productId);
      return;
    }
    const status = item?.status ?? 500;
    failed.push({ productId, error: errorForStatus(status, item?.error ?? {}, 'bulkUpsert') });
  });
  return { succeeded, failed };
}
