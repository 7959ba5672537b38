/**
 * Apollo Server plugin that counts GraphQL operations and times them, per operation name and
 * outcome ('success', or the code of the first error as formatError left it in
 * extensions.code). Add it to ApolloServer's `plugins`.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLResponse } from '@apollo/server';
import type { GraphqlObserver } from '../../observability/metrics';

/** 'success', or the first error's extensions.code. */
function outcomeOf(response: GraphQLResponse): string {
  const { body } = response;
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  if (errors === undefined || errors.length === 0) return 'success';
  const code = errors[0]?.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

export function graphqlMetricsPlugin<TContext extends BaseContext>(
  observer: GraphqlObserver,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operationName }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          observer.operation(operationName, outcomeOf(response), seconds);
        },
      };
    },
  };
}
