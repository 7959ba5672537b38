import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from 'pino';
import { graphqlMetricsPlugin } from './plugins/metrics.plugin';
import type { GraphqlObserver } from '../observability/metrics';
import type { GraphqlContext } from './context';
import { createFormatError } from './format-error';
import { authPlugin, withAccessChecks } from './plugins/auth.plugin';
import { httpStatusPlugin } from './plugins/http-status.plugin';
import { loggingPlugin } from './plugins/logging.plugin';
import { resolvers } from './resolvers/resolvers';
import { loadTypeDefs } from './schema';

export interface ApolloOptions {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly logger: Logger;
  /** Per-operation request counts and latencies; omitted in tests that do not need them. */
  readonly metrics?: GraphqlObserver;
}

/**
 * CSRF prevention stays on (multipart requests must carry `Apollo-Require-Preflight`), the
 * landing page is ours (GraphiQL), introspection is on so GraphiQL and codegen work. A request
 * that fails as a whole answers with its code's HTTP status to clients that take
 * `application/graphql-response+json` (httpStatusPlugin).
 */
export function createApolloServer(options: ApolloOptions): ApolloServer<GraphqlContext> {
  const development = options.nodeEnv === 'development';
  return new ApolloServer<GraphqlContext>({
    typeDefs: loadTypeDefs(),
    // Every root field asks the access policy first (API keys; a no-op with AUTH_MODE=off).
    resolvers: withAccessChecks(resolvers),
    csrfPrevention: true,
    introspection: true,
    includeStacktraceInErrorResponses: development,
    formatError: createFormatError({ includeStacktrace: development }),
    logger: options.logger,
    nodeEnv: options.nodeEnv,
    // The composition root (main.ts) owns signal handling and shuts everything down in order.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      loggingPlugin(),
      httpStatusPlugin<GraphqlContext>(),
      // After httpStatusPlugin: it reads the status that plugin sets.
      authPlugin(),
      ...(options.metrics ? [graphqlMetricsPlugin<GraphqlContext>(options.metrics)] : []),
    ],
  });
}
