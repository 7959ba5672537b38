import type { ApolloServerPlugin, BaseContext, GraphQLResponse } from '@apollo/server';
import { statusOfAll } from '../../errors/error-codes';
import { GRAPHQL_RESPONSE_JSON, prefersGraphqlResponseJson } from './media-type';

/** The error codes of a response that failed as a whole (no data, or data null), else none. */
function wholeRequestCodes(response: GraphQLResponse): string[] {
  if (response.body.kind !== 'single') return [];
  const { data, errors } = response.body.singleResult;
  if ((data !== undefined && data !== null) || errors === undefined) return [];
  return errors.map((error) => {
    const code = error.extensions?.code;
    return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
  });
}

/**
 * Gives a response that failed as a whole the HTTP status of its code (error-codes.ts), and
 * 503s a Retry-After, when the client takes `application/graphql-response+json`: that media
 * type lets the status say what happened. Plain `application/json` clients keep the spec's
 * 200 for every request that executed. Statuses Apollo chose on purpose (400 for a document
 * that does not parse, 405, 406, 415) are kept; only its defaults (none, or 500) change.
 */
export function httpStatusPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          const codes = wholeRequestCodes(response);
          if (codes.length === 0) return;
          if (!prefersGraphqlResponseJson(request.http?.headers.get('accept'))) return;
          const current = response.http.status;
          if (current !== undefined && current !== 200 && current !== 500) return;
          const { status, retryAfterSeconds } = statusOfAll(codes);
          response.http.status = status;
          response.http.headers.set('content-type', `${GRAPHQL_RESPONSE_JSON}; charset=utf-8`);
          if (retryAfterSeconds !== undefined) {
            response.http.headers.set('retry-after', String(retryAfterSeconds));
          }
        },
      };
    },
  };
}
