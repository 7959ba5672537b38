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
 * How bulk writes are cut and retried. Elasticsearch advises bulk requests of a few MB: big
 * enough to amortise the round trip, small enough not to load a node's heap; a 512-d product
 * with one photo is about 8 KB of JSON here, so 500 actions is about 4 MB.
 */
export interface BulkLimits {
  /** Most `index` actions in one `_bulk` request. */
  readonly maxActions: number;
  /** Most bytes of NDJSON in one `_bulk` request (one larger document still goes alone). */
  readonly maxBytes: number;
  /** Tries of a request, or of a document refused with 429, before it fails with OVERLOADED. */
  readonly maxAttempts: number;
  /** First back-off ceiling after a 429, doubled each retry (full jitter), in milliseconds. */
  readonly baseDelayMs: number;
  /** Longest back-off, in milliseconds. */
  readonly maxDelayMs: number;
}

export const DEFAULT_BULK_LIMITS: BulkLimits = Object.freeze({
  maxActions: 500,
  maxBytes: 5 * 1024 * 1024,
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
});

interface Entry {
  readonly position: number;
  /** The `index` action and the document, serialised once (the client passes strings through). */
  readonly action: string;
  readonly source: string;
}

/** Consecutive runs of entries within the limits; each run holds at least one entry. */
function chunksOf(entries: readonly Entry[], limits: BulkLimits): Entry[][] {
  const chunks: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.action) + Buffer.byteLength(entry.source) + 2;
    if (
      current.length > 0 &&
      (current.length >= limits.maxActions || bytes + size > limits.maxBytes)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const isTooManyRequests = (error: unknown) =>
  (error as { meta?: { statusCode?: number } } | null)?.meta?.statusCode === 429;

function backoff(attempt: number, limits: BulkLimits): Promise<void> {
  const ceiling = Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** (attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** One `_bulk` request's items, checked to answer every action in order. */
async function send(
  client: Client,
  alias: string,
  entries: readonly Entry[],
  options: { readonly refresh: RefreshPolicy; readonly operation: string },
): Promise<Array<Record<string, BulkItem | undefined>>> {
  const operations = entries.flatMap((entry) => [entry.action, entry.source]);
  const { items } = await client.bulk({
    index: alias,
    refresh: options.refresh,
    operations: operations as never,
  });
  // Items answer the actions in order; a body that does not is no answer at all.
  if (!Array.isArray(items) || items.length !== entries.length) {
    throw new IndexUnavailableError('Elasticsearch answered the bulk request malformed', {
      operation: options.operation,
      sent: entries.length,
      answered: Array.isArray(items) ? items.length : null,
    });
  }
  return items as Array<Record<string, BulkItem | undefined>>;
}

/**
 * Writes one chunk, retrying with back-off a request refused with 429 and the documents a node
 * refused with 429 (its write queue was full), up to `maxAttempts` tries each.
 */
async function writeChunk(
  client: Client,
  alias: string,
  chunk: readonly Entry[],
  outcomes: UpsertOutcome[],
  options: {
    readonly refresh: RefreshPolicy;
    readonly operation: string;
    readonly limits: BulkLimits;
  },
): Promise<void> {
  const { limits, operation } = options;
  let pending = chunk;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    let items: Array<Record<string, BulkItem | undefined>>;
    try {
      items = await send(client, alias, pending, options);
    } catch (error) {
      if (isTooManyRequests(error) && attempt < limits.maxAttempts) {
        await backoff(attempt, limits);
        continue;
      }
      throw error instanceof IndexUnavailableError ? error : translateEsError(error, operation);
    }
    const again: Entry[] = [];
    pending.forEach((entry, n) => {
      const item = items[n]?.index;
      if (item?.status === 429 && attempt < limits.maxAttempts) again.push(entry);
      else outcomes[entry.position] = itemOutcome(items[n], operation);
    });
    pending = again;
    if (pending.length > 0) await backoff(attempt, limits);
  }
}

/**
 * Indexes many products through `_bulk`, in requests of at most `limits.maxActions` actions and
 * `limits.maxBytes` bytes, one request at a time (parallelism comes from concurrent callers).
 * Each `index` action replaces the whole product. Products whose vectors have the wrong dims
 * fail before any request; Elasticsearch's per-item errors come back as AppErrors, so one bad
 * product never fails the others; 429s are retried with back-off (see BulkLimits), then fail as
 * OVERLOADED. Returns one outcome per document, in order. Throws only when the first request
 * fails as a whole (outage, timeout, malformed answer): nothing was written. When a later
 * request fails as a whole, the products already written keep their outcomes and every product
 * not yet written gets that request's error.
 */
export async function bulkUpsert(
  client: Client,
  target: { readonly alias: string; readonly dims: number },
  docs: readonly ProductDocument[],
  options: {
    readonly refresh: RefreshPolicy;
    readonly operation: string;
    readonly limits?: Partial<BulkLimits>;
  },
): Promise<UpsertOutcome[]> {
  const { alias, dims } = target;
  const limits = { ...DEFAULT_BULK_LIMITS, ...options.limits };
  const outcomes = docs.map((doc) => dimsError(doc, dims));
  const entries: Entry[] = [];
  outcomes.forEach((outcome, position) => {
    if (outcome !== null) return;
    const doc = docs[position] as ProductDocument;
    entries.push({
      position,
      action: JSON.stringify({ index: { _id: doc.id } }),
      source: JSON.stringify(toSource(doc)),
    });
  });
  const chunks = chunksOf(entries, limits);
  for (const [n, chunk] of chunks.entries()) {
    try {
      await writeChunk(client, alias, chunk, outcomes, { ...options, limits });
    } catch (error) {
      if (n === 0) throw error;
      const failure = error as UpsertOutcome;
      for (const rest of chunks.slice(n))
        for (const entry of rest) outcomes[entry.position] = failure;
      break;
    }
  }
  return outcomes;
}
