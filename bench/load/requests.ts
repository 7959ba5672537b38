/**
 * One timed GraphQL request as a storefront client sends it (JSON, or a multipart upload with
 * the preflight header), and what came back: HTTP status, the first error's code, the data.
 * Every request names its client in X-Forwarded-For (the bench runs the service with
 * TRUST_PROXY=loopback, as behind a load balancer) and asks for
 * application/graphql-response+json, so statuses follow the errors table.
 */
import type { FilePart } from '../../test/helpers/multipart';
import { graphqlMultipart } from '../../test/helpers/multipart';

export interface Outcome {
  readonly status: number;
  /** The first error's extensions.code, `OK`, or `HTTP_<status>` for a body that is not GraphQL. */
  readonly code: string;
  readonly ms: number;
  readonly data: Record<string, unknown> | null | undefined;
  readonly details: Record<string, unknown> | undefined;
}

export interface Sender {
  readonly graphqlUrl: string;
  /** X-Forwarded-For of this client. */
  readonly address: string;
  /** Authorization header value, for writes. */
  readonly authorization?: string;
}

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ extensions?: { code?: string; details?: Record<string, unknown> } }>;
}

async function send(
  sender: Sender,
  headers: Record<string, string>,
  body: Uint8Array<ArrayBuffer> | string,
) {
  const started = performance.now();
  const all: Record<string, string> = {
    accept: 'application/graphql-response+json',
    'x-forwarded-for': sender.address,
    ...headers,
  };
  if (sender.authorization !== undefined) all['authorization'] = sender.authorization;
  let status = 0;
  let text = '';
  try {
    const response = await fetch(sender.graphqlUrl, { method: 'POST', headers: all, body });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const ms = performance.now() - started;
    const code = `NETWORK_${(error as { cause?: { code?: string } }).cause?.code ?? 'ERROR'}`;
    return { status, code, ms, data: undefined, details: undefined };
  }
  const ms = performance.now() - started;
  let parsed: GraphqlBody | undefined;
  try {
    parsed = JSON.parse(text) as GraphqlBody;
  } catch {
    parsed = undefined;
  }
  const first = parsed?.errors?.[0]?.extensions;
  const code = parsed === undefined ? `HTTP_${status}` : (first?.code ?? 'OK');
  return { status, code, ms, data: parsed?.data, details: first?.details };
}

export function postJson(
  sender: Sender,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Outcome> {
  return send(sender, { 'content-type': 'application/json' }, JSON.stringify({ query, variables }));
}

export function postUpload(
  sender: Sender,
  query: string,
  variables: Record<string, unknown>,
  files: Readonly<Record<string, FilePart>>,
): Promise<Outcome> {
  const { body, contentType } = graphqlMultipart({ query, variables }, files);
  return send(
    sender,
    { 'content-type': contentType, 'apollo-require-preflight': 'true' },
    new Uint8Array(body),
  );
}
