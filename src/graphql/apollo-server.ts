import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from 'pino';
import type { GraphqlSettings } from '../config/load-config';
import { graphqlMetricsPlugin } from './plugins/metrics.plugin';
import type { GraphqlObserver } from '../observability/metrics';
import type { GraphqlContext } from './context';
import { createFormatError } from './format-error';
import { anyRootFieldAllowed, authPlugin, withAccessChecks } from './plugins/auth.plugin';
import { AdmissionGate, embeddingAdmissionPlugin } from './plugins/embedding-admission.plugin';
import { httpStatusPlugin } from './plugins/http-status.plugin';
import { loggingPlugin } from './plugins/logging.plugin';
import { queryLimitRules, queryParseOptions } from './plugins/query-limits';
import { resolvers } from './resolvers/resolvers';
import { loadTypeDefs } from './schema';

export interface ApolloOptions {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly logger: Logger;
  /** Per-operation request counts and latencies; omitted in tests that do not need them. */
  readonly metrics?: GraphqlObserver;
  /**
   * Query limits, the embedding budget and admission, introspection (config.graphql). Omitted
   * only by tests that exercise resolvers alone: then no limits apply and introspection is on.
   */
  readonly limits?: GraphqlSettings;
}

function limitOptions(limits: GraphqlSettings | undefined) {
  if (limits === undefined) return { introspection: true, validationRules: [], plugins: [] };
  const gate = new AdmissionGate(limits.embeddingSlots);
  return {
    introspection: limits.introspection,
    parseOptions: queryParseOptions(limits),
    validationRules: queryLimitRules(limits),
    plugins: [
      embeddingAdmissionPlugin<GraphqlContext>({ ...limits, gate, mayRun: anyRootFieldAllowed }),
    ],
  };
}

/**
 * CSRF prevention stays on (multipart requests must carry `Apollo-Require-Preflight`), the
 * landing page is ours (GraphiQL). Query limits (depth, aliases, tokens, cost, directives, the
 * embedding budget) refuse an operation before it runs; introspection follows
 * GRAPHQL_INTROSPECTION (off in production by default). A request that fails as a whole
 * answers with its code's HTTP status to clients that take `application/graphql-response+json`
 * (httpStatusPlugin).
 */
export function createApolloServer(options: ApolloOptions): ApolloServer<GraphqlContext> {
  const development = options.nodeEnv === 'development';
  const limits = limitOptions(options.limits);
  return new ApolloServer<GraphqlContext>({
    typeDefs: loadTypeDefs(),
    // Every root field asks the access policy first (API keys; a no-op with AUTH_MODE=off).
    resolvers: withAccessChecks(resolvers),
    csrfPrevention: true,
    introspection: limits.introspection,
    ...('parseOptions' in limits ? { parseOptions: limits.parseOptions } : {}),
    validationRules: limits.validationRules,
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
      ...limits.plugins,
      ...(options.metrics ? [graphqlMetricsPlugin<GraphqlContext>(options.metrics)] : []),
    ],
  });
}
