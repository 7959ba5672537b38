/**
 * Runs one query against a running service's GraphQL endpoint: a JSON request for text, a
 * GraphQL multipart request (with Apollo's CSRF preflight header) when a photo goes along.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EvalQuery } from './eval-qrels';
import { photoContentType } from '../lib/photo-content-type';

/** The service's FusionInput; undefined fields take the service's defaults. */
export interface FusionSetting {
  readonly mode?: 'RRF' | 'LINEAR';
  readonly imageWeight?: number;
  readonly textWeight?: number;
  readonly keywordWeight?: number;
  readonly rrfK?: number;
}

const SEARCH = `query Eval($image: Upload, $text: String, $first: Int, $fusion: FusionInput) {
  similarImages(image: $image, text: $text, first: $first, fusion: $fusion) {
    edges { node { product { id } } }
  }
}`;

interface SearchBody {
  data?: { similarImages?: { edges: Array<{ node: { product: { id: string } } }> } } | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function post(url: string, query: EvalQuery, variables: object): Promise<Response> {
  if (query.image === undefined) {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SEARCH, variables }),
    });
  }
  const bytes = await readFile(query.image);
  const form = new FormData();
  form.set(
    'operations',
    JSON.stringify({ query: SEARCH, variables: { ...variables, image: null } }),
  );
  form.set('map', JSON.stringify({ 0: ['variables.image'] }));
  const type = photoContentType(query.image);
  form.set('0', new Blob([bytes], { type }), path.basename(query.image));
  return fetch(url, {
    method: 'POST',
    headers: { 'apollo-require-preflight': 'true' },
    body: form,
  });
}

/** The ranked product ids of the first `first` hits; throws with the service's error code. */
export async function searchIds(
  url: string,
  query: EvalQuery,
  fusion: FusionSetting | undefined,
  first = 10,
): Promise<string[]> {
  const variables = { text: query.text ?? null, first, fusion: fusion ?? null };
  const response = await post(url, query, variables);
  const body = (await response.json().catch(() => ({}))) as SearchBody;
  const error = body.errors?.[0];
  if (error !== undefined || body.data?.similarImages === undefined) {
    const code = error?.extensions?.code ?? `HTTP ${response.status}`;
    throw new Error(`query ${query.id}: ${code} ${error?.message ?? 'no data'}`);
  }
  return body.data.similarImages.edges.map((edge) => edge.node.product.id);
}
