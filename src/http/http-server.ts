import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { graphqlUploadExpress } from 'graphql-upload-ts';
import type { Logger } from 'pino';
import type { Config, TrustProxy } from '../config/load-config';
import type { Metrics } from '../observability/metrics';
import { createApolloServer } from '../graphql/apollo-server';
import type { GraphqlServices } from '../graphql/context';
import { createGraphqlContext } from '../graphql/context';
import { jsonErrorHandler, notFoundHandler } from './middleware/error-handler';
import {
  GRAPHIQL_ASSETS_PATH,
  graphiqlAssets,
  graphiqlPage,
  wantsHtml,
} from './graphiql/graphiql.route';
import { identifiedPrincipal, identifyKey, presentedKey, requireAdmin } from './middleware/api-key';
import { rateLimit } from './middleware/rate-limit';
import { requestContext, requestLocals } from './middleware/request-context';
import { createMetricsListener } from './metrics-listener';
import { PHOTOS_PATH, photosRoute, type PhotoReader } from './routes/photos.route';
import { processRequestWithCleanup } from './upload-cleanup';

/** What the HTTP layer needs from the composition root's App. */
export interface HttpApp extends GraphqlServices {
  readiness(): Promise<{ ready: boolean; checks: Record<string, string> }>;
  readonly metrics: Pick<Metrics, 'contentType' | 'render' | 'graphql'>;
  /** Kept originals served at GET /photos/<sha256>; absent, that route answers 404. */
  readonly photos?: PhotoReader;
}

export type HttpConfig = Pick<
  Config,
  'http' | 'nodeEnv' | 'metrics' | 'graphql' | 'rateLimit' | 'connections'
>;

export interface HttpServer {
  readonly server: http.Server;
  /**
   * Starts Apollo and listens on config.http.host:config.http.port (0 picks a free port), and
   * the metrics listener on config.metrics (unless its port is 0).
   */
  listen(): Promise<{ url: string; metricsUrl: string | undefined }>;
  /** Stops accepting, lets in-flight requests finish, stops Apollo. Does not close the App. */
  close(): Promise<void>;
}

function readinessRoute(app: HttpApp, logger: Logger) {
  return async (_req: express.Request, res: express.Response): Promise<void> => {
    try {
      const { ready, checks } = await app.readiness();
      res.status(ready ? 200 : 503).json({ ready, checks });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ ready: false, checks: { app: 'readiness check failed' } });
    }
  };
}

function graphqlRoutes(
  expressApp: express.Express,
  args: { app: HttpApp; config: HttpConfig; apollo: ReturnType<typeof createApolloServer> },
): void {
  const { app, config, apollo } = args;
  const { graphqlPath: path, maxUploadBytes, maxUploadFiles } = config.http;
  const page = graphiqlPage(path);
  expressApp.get(path, (req, res, next) => (wantsHtml(req) ? page(req, res) : next()));
  const limited = rateLimit(config.rateLimit);
  // Before any body is read; a valid key is limited as that key, not as its address.
  if (limited !== undefined) expressApp.all(path, identifyKey(app.access), limited);
  expressApp.all(
    path,
    // busboy refuses a file that *reaches* its limit; +1 lets exactly maxUploadBytes through
    // (readUpload enforces the limit itself too).
    graphqlUploadExpress({
      maxFileSize: maxUploadBytes + 1,
      maxFiles: maxUploadFiles,
      processRequest: processRequestWithCleanup,
      overrideSendResponse: false,
    }),
    express.json({ limit: '1mb' }),
    (req, _res, next) => {
      // express 5 leaves req.body unset for GET; the Apollo integration insists on the key.
      if (!('body' in req)) (req as { body?: unknown }).body = undefined;
      next();
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const locals = requestLocals(res);
        return createGraphqlContext({
          requestId: locals.requestId,
          logger: locals.logger,
          services: app,
          limits: { maxUploadBytes, maxSimilar: config.graphql.maxSimilar },
          principal: identifiedPrincipal(res) ?? (await app.access.authenticate(presentedKey(req))),
        });
      },
    }),
  );
}

/**
 * The node server with its slow-client limits: headers and whole requests must arrive in time
 * (Node answers 408 and closes), idle keep-alive sockets close, and connections past the cap are
 * closed at accept. Node sweeps for expired requests every connectionsCheckingInterval (30 s by
 * default), so it runs at a fraction of the shortest timeout instead.
 */
function createNodeServer(
  handler: http.RequestListener,
  limits: Config['connections'],
): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)),
      ),
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
  return server;
}

function trustProxySetting(trust: TrustProxy): boolean | number | string[] {
  return typeof trust === 'object' ? [...trust] : trust;
}

/** The express 5 app: GraphQL (+ multipart uploads), GraphiQL, /metrics, /healthz and /readyz. */
export function createHttpServer(args: {
  app: HttpApp;
  config: HttpConfig;
  logger: Logger;
}): HttpServer {
  const { app, config, logger } = args;
  const apollo = createApolloServer({
    nodeEnv: config.nodeEnv,
    logger,
    metrics: app.metrics.graphql,
    limits: config.graphql,
  });
  const expressApp = express();
  expressApp.disable('x-powered-by');
  // Who the client is (req.ip) for rate limits and the request log: the socket's peer unless
  // TRUST_PROXY names the proxies allowed to forward it. express copies nothing from a frozen
  // list it is given (proxy-addr compiles its own), so the config's array passes as it is.
  expressApp.set('trust proxy', trustProxySetting(config.http.trustProxy));
  // Before requestContext: scrapes every few seconds would drown the request log. On this
  // (public) port only an admin key may read it; the metrics listener serves it keylessly.
  expressApp.get('/metrics', requireAdmin(app.access), async (_req, res, next) => {
    try {
      res.set('Content-Type', app.metrics.contentType).send(await app.metrics.render());
    } catch (error) {
      next(error);
    }
  });
  expressApp.use(requestContext(logger));
  expressApp.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  expressApp.get('/readyz', readinessRoute(app, logger));
  expressApp.use(GRAPHIQL_ASSETS_PATH, graphiqlAssets());
  expressApp.get(PHOTOS_PATH, photosRoute(app.photos));
  const server = createNodeServer(expressApp, config.connections);
  const metricsListener =
    config.metrics.port === 0
      ? undefined
      : createMetricsListener({ metrics: app.metrics, ...config.metrics, logger });
  let started: Promise<void> | undefined;

  return {
    server,
    async listen() {
      started ??= apollo.start().then(() => {
        graphqlRoutes(expressApp, { app, config, apollo });
        expressApp.use(notFoundHandler());
        expressApp.use(jsonErrorHandler({ includeStack: config.nodeEnv === 'development' }));
      });
      await started;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.http.port, config.http.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      logger.info({ url, graphqlPath: config.http.graphqlPath }, 'http server listening');
      let metricsUrl: string | undefined;
      try {
        metricsUrl = await metricsListener?.listen();
      } catch (error) {
        server.close();
        throw error;
      }
      return { url, metricsUrl };
    },
    async close() {
      if (server.listening) {
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error === undefined ? resolve() : reject(error)));
          server.closeIdleConnections();
        });
      }
      await metricsListener?.close();
      if (started !== undefined) await apollo.stop();
    },
  };
}
