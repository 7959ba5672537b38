import type { Client } from '@elastic/elasticsearch';
import type { ProductDocument } from '../../domain/product';
import { DimensionMismatchError, IndexUnavailableError } from '../../errors/app-error';
import type { UpsertOutcome } from '../../ports/product-index.port';
import { toSource } from './elasticsearch-documents';
import { errorForStatus, translateEsError, type EsErrorCause } from './elasticsearch-errors';

/** When a write becomes visible to searches: before it resolves ('wait_for', true) or later. */
export type RefreshPolicy = 'wait_for' | boolean;

interface BulkItem {
  readonly status?: number;
  readonly error?: EsErrorCause;
}

/** The DimensionMismatchError refusing a document with an image vector of other dims, or null. */
function dimsError(doc: ProductDocument, dims: number): UpsertOutcome {
  for (const image of doc.images) {
    if (!(image.vector instanceof Float32Array) || image.vector.length !== dims) {
      return new DimensionMismatchError("An image vector does not have the index's dims", {
        productId: doc.id,
        imageId: image.id,
        expectedDims: dims,
        actualDims: image.vector instanceof Float32Array ? image.vector.length : null,
      });
    }
  }
  return null;
}

/** One `_bulk` response item as an outcome; an item that is not there or not understood fails. */
function itemOutcome(
  entry: Record<string, BulkItem | undefined> | undefined,
  operation: string,
): UpsertOutcome {
  const item = entry?.index;
  const status = typeof item?.status === 'number' ? item.status : 500;
  if (status < 300 && item?.error === undefined) return null;
  return errorForStatus(status, item?.error ?? {}, operation);
}

/**
 * Indexes many products in one `_bulk` request. Each `index` action replaces the whole
 * product. Products whose vectors have the wrong dims fail before the request; Elasticsearch's
 * per-item errors come back as AppErrors, so one bad product never fails the others. Returns one
 * outcome per document, in order. Throws only when the request as a whole fails (outage,
 * timeout, a response that does not answer every action).
 */
export async function bulkUpsert(
  client: Client,
  target: { readonly alias: string; readonly dims: number },
  docs: readonly ProductDocument[],
  options: { readonly refresh: RefreshPolicy; readonly operation: string },
): Promise<UpsertOutcome[]> {
  const { alias, dims } = target;
  const { refresh, operation } = options;
  const outcomes = docs.map((doc) => dimsError(doc, dims));
  const sent: number[] = [];
  const operations: unknown[] = [];
  outcomes.forEach((outcome, position) => {
    if (outcome !== null) return;
    const doc = docs[position] as ProductDocument;
    operations.push({ index: { _id: doc.id } }, toSource(doc));
    sent.push(position);
  });
  if (sent.length === 0) return outcomes;
  let items: unknown;
  try {
    ({ items } = await client.bulk({ index: alias, refresh, operations }));
  } catch (error) {
    throw translateEsError(error, operation);
  }
  // Items answer the actions in order; a body that does not is no answer at all.
  if (!Array.isArray(items) || items.length !== sent.length) {
    throw new IndexUnavailableError('Elasticsearch answered the bulk request malformed', {
      operation,
      sent: sent.length,
      answered: Array.isArray(items) ? items.length : null,
    });
  }
  sent.forEach((position, n) => {
    outcomes[position] = itemOutcome(items[n] as Record<string, BulkItem | undefined>, operation);
  });
  return outcomes;
}
