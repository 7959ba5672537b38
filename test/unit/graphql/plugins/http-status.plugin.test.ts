import type { GraphQLRequestListener, GraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { httpStatusPlugin } from '../../../../src/graphql/plugins/http-status.plugin';

type Result = { data?: Record<string, unknown> | null; errors?: Array<{ code: string }> };

/** Runs the plugin's willSendResponse on a response like Apollo's and returns its http head. */
async function send(result: Result, accept: string, status?: number) {
  const response = {
    http: { status, headers: new HeaderMap() },
    body: {
      kind: 'single',
      singleResult: {
        ...(result.data === undefined ? {} : { data: result.data }),
        errors: result.errors?.map(({ code }) => ({ message: code, extensions: { code } })),
      },
    },
  } as GraphQLResponse;
  const request = { http: { headers: new HeaderMap([['accept', accept]]) } };
  const plugin = httpStatusPlugin();
  const listener = (await plugin.requestDidStart?.({} as never)) as GraphQLRequestListener<never>;
  await listener.willSendResponse?.({ request, response } as never);
  return response.http;
}

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

describe('httpStatusPlugin', () => {
  it('gives a whole-request OVERLOADED a 503 and a Retry-After', async () => {
    const http = await send({ data: null, errors: [{ code: 'OVERLOADED' }] }, GRAPHQL_RESPONSE);
    expect(http.status).toBe(503);
    expect(http.headers.get('retry-after')).toBe('1');
    expect(http.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
  });

  it("replaces Apollo's default 500 for a failure before execution", async () => {
    const http = await send({ errors: [{ code: 'PAYLOAD_TOO_LARGE' }] }, GRAPHQL_RESPONSE, 500);
    expect(http.status).toBe(413);
  });

  it('keeps a status Apollo chose on purpose', async () => {
    const http = await send({ errors: [{ code: 'BAD_REQUEST' }] }, GRAPHQL_RESPONSE, 415);
    expect(http.status).toBe(415);
  });

  it('leaves partial results and application/json clients alone', async () => {
    const partial = await send(
      { data: { product: null }, errors: [{ code: 'INDEX_UNAVAILABLE' }] },
      GRAPHQL_RESPONSE,
    );
    expect(partial.status).toBeUndefined();
    const json = await send({ data: null, errors: [{ code: 'OVERLOADED' }] }, 'application/json');
    expect(json.status).toBeUndefined();
    expect(json.headers.get('retry-after')).toBeUndefined();
  });
});
