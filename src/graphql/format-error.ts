import type { GraphQLFormattedError } from 'graphql';
import { toClientError } from '../errors/client-error';

/**
 * Apollo's `formatError`: what `toClientError` decides, in the GraphQL error shape
 * (`extensions.code`, `extensions.details` for AppErrors, `extensions.stacktrace` in
 * development), keeping the error's locations and path.
 */
export function createFormatError(options: { readonly includeStacktrace: boolean }) {
  return function formatError(
    formatted: GraphQLFormattedError,
    error: unknown,
  ): GraphQLFormattedError {
    const client = toClientError(error, { includeStack: options.includeStacktrace });
    const extensions: Record<string, unknown> = { code: client.code };
    if (client.details !== undefined) extensions.details = client.details;
    if (client.stacktrace !== undefined) extensions.stacktrace = client.stacktrace;
    return {
      message: client.message,
      ...(formatted.locations === undefined ? {} : { locations: formatted.locations }),
      ...(formatted.path === undefined ? {} : { path: formatted.path }),
      extensions,
    };
  };
}
