/**
 * One `indexProducts` call against a running service's GraphQL endpoint. Local photo files go
 * as a GraphQL multipart request (the multipart request spec, with Apollo's CSRF preflight
 * header); URL photos go as `PhotoInput.url`, so a batch of URL-only products is plain JSON.
 *
 * The operation and its selection are the only place the command knows the schema: adapt
 * INDEX_PRODUCTS if the service's API changes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FeedProduct } from './ingest-feed';
import { photoContentType } from '../lib/photo-content-type';

const INDEX_PRODUCTS = `mutation Ingest($inputs: [ProductInput!]!) {
  indexProducts(inputs: $inputs) {
    index
    id
    product { id }
    error { code message field }
  }
}`;

export interface ItemResult {
  readonly index: number;
  readonly id: string;
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly field?: string | null;
  } | null;
}

/** The whole request failed: no item was acknowledged. */
export class RequestFailure extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly httpStatus: number | undefined,
    /** Seconds the server asked to wait (Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Codes (and the HTTP status) a later attempt may cure. */
export const RETRYABLE = new Set(['OVERLOADED', 'INDEX_UNAVAILABLE', 'HTTP_503', 'NETWORK']);

interface Upload {
  readonly variablePath: string;
  readonly file: string;
}

/** The `inputs` variable, with nulls where uploads go, and the uploads' paths. */
export function toVariables(products: readonly FeedProduct[]): {
  inputs: unknown[];
  uploads: Upload[];
} {
  const uploads: Upload[] = [];
  const inputs = products.map((product, i) => {
    const { photos, ...fields } = product;
    return {
      ...fields,
      photos: photos.map((photo, j) => {
        if (photo.kind === 'url') return { url: photo.url };
        uploads.push({
          variablePath: `variables.inputs.${i}.photos.${j}.upload`,
          file: photo.path,
        });
        return { upload: null };
      }),
    };
  });
  return { inputs, uploads };
}

async function body(
  products: readonly FeedProduct[],
): Promise<{ body: BodyInit; headers: Record<string, string> }> {
  const { inputs, uploads } = toVariables(products);
  const operations = JSON.stringify({ query: INDEX_PRODUCTS, variables: { inputs } });
  if (uploads.length === 0)
    return { body: operations, headers: { 'content-type': 'application/json' } };
  const form = new FormData();
  form.set('operations', operations);
  form.set(
    'map',
    JSON.stringify(Object.fromEntries(uploads.map((u, i) => [String(i), [u.variablePath]]))),
  );
  for (const [i, upload] of uploads.entries()) {
    const type = photoContentType(upload.file);
    form.set(
      String(i),
      new Blob([await readFile(upload.file)], { type }),
      path.basename(upload.file),
    );
  }
  return { body: form, headers: { 'apollo-require-preflight': 'true' } };
}

interface GraphqlBody {
  data?: { indexProducts?: ItemResult[] } | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

function retryAfter(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Sends one batch and returns one result per product, in order. Throws RequestFailure when the
 * request as a whole failed (network, HTTP error, a GraphQL error with no per-item results).
 */
export async function indexProducts(
  url: string,
  products: readonly FeedProduct[],
  options: { readonly headers?: Record<string, string>; readonly signal?: AbortSignal } = {},
): Promise<ItemResult[]> {
  const request = await body(products);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { accept: 'application/json', ...request.headers, ...options.headers },
      body: request.body,
      signal: options.signal,
    });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
    throw new RequestFailure(`cannot reach ${url}: ${reason}`, 'NETWORK', undefined);
  }
  const text = await response.text();
  let parsed: GraphqlBody | undefined;
  try {
    parsed = JSON.parse(text) as GraphqlBody;
  } catch {
    parsed = undefined;
  }
  const results = parsed?.data?.indexProducts;
  if (Array.isArray(results) && results.length === products.length) return results;
  const first = parsed?.errors?.[0];
  const code =
    first?.extensions?.code ?? (response.status === 503 ? 'HTTP_503' : `HTTP_${response.status}`);
  const message = first?.message ?? `HTTP ${response.status}: ${text.slice(0, 200)}`;
  throw new RequestFailure(message, code, response.status, retryAfter(response));
}
