import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { isAppError } from '../../errors/app-error';
import { toClientError } from '../../errors/client-error';
import type { GraphqlContext } from '../context';

/**
 * Logs each operation with the request's own logger (and so its request id). Client mistakes
 * are logged quietly; unknown failures at error level with the original error, which the client
 * never sees.
 */
export function loggingPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            const client = toClientError(error, { includeStack: false });
            const original = unwrapResolverError(error);
            if (client.code === 'INTERNAL_SERVER_ERROR') {
              contextValue.logger.error(
                { err: original, operationName },
                'graphql operation failed',
              );
            } else {
              const details = isAppError(original) ? original.details : undefined;
              contextValue.logger.info(
                { code: client.code, details, operationName, path: error.path },
                client.message,
              );
            }
          }
        },
        async willSendResponse({ operationName }) {
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          contextValue.logger.debug({ operationName, durationMs }, 'graphql operation done');
        },
      };
    },
  };
}
