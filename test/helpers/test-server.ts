/**
 * A real service on a real port for e2e and browser tests: the composition root (createApp) with
 * the toy model and the SQLite backend in a temp data dir, behind the real HTTP server.
 *
 *   const server = await startTestServer();
 *   const { body } = await server.graphql('{ product(id: "p1") { title } }');
 *   await server.stop();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/composition/create-app';
import { loadConfig } from '../../src/config/load-config';
import type { Config } from '../../src/config/load-config';
import { createHttpServer } from '../../src/http/http-server';
import { createLogger } from '../../src/observability/logger';
import type { FilePart } from './multipart';
import { graphqlMultipart } from './multipart';
import { toyModelDir } from './toy-model';

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

interface GraphqlResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: GraphqlBody;
}

export interface TestServer {
  /** Origin, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Full URL of the GraphQL endpoint. */
  readonly graphqlUrl: string;
  readonly config: Config;
  readonly dataDir: string;
  /** Origin of the metrics listener, when the test asked for one (METRICS_PORT). */
  readonly metricsUrl: string | undefined;
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphqlResponse>;
  /** A GraphQL multipart request; `files` maps operation paths (variables.image) to files. */
  upload(
    query: string,
    variables: Record<string, unknown>,
    files: Readonly<Record<string, FilePart>>,
    options?: { preflight?: boolean; headers?: Record<string, string> },
  ): Promise<GraphqlResponse>;
  /** Stops HTTP and the app; removes the data dir unless the caller supplied DATA_DIR. */
  stop(): Promise<void>;
}

async function parse(response: Response): Promise<GraphqlResponse> {
  const text = await response.text();
  let body: GraphqlBody;
  try {
    body = JSON.parse(text) as GraphqlBody;
  } catch {
    throw new Error(`Expected JSON from the server, got ${response.status}: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body };
}

export async function startTestServer(
  envOverrides: Record<string, string | undefined> = {},
): Promise<TestServer> {
  const ownsDataDir = envOverrides.DATA_DIR === undefined;
  const dataDir = envOverrides.DATA_DIR ?? (await mkdtemp(path.join(os.tmpdir(), 'pis-e2e-')));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    MODEL_DIR: toyModelDir(),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ORT_INTRA_OP_THREADS: '1',
    ORT_INTER_OP_THREADS: '1',
    // No separate metrics listener: parallel test servers would race for its fixed port.
    METRICS_PORT: '0',
    ...envOverrides,
  });
  const logger = createLogger(config.log);
  const app = await createApp(config, logger);
  const http = createHttpServer({ app, config, logger });
  const { url, metricsUrl } = await http.listen();
  const graphqlUrl = `${url}${config.http.graphqlPath}`;

  return {
    url,
    graphqlUrl,
    config,
    dataDir,
    metricsUrl,
    async graphql(query, variables = {}, headers = {}) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return parse(response);
    },
    async upload(query, variables, files, options = {}) {
      const { body, contentType } = graphqlMultipart({ query, variables }, files);
      const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
      if (options.preflight !== false) headers['apollo-require-preflight'] = 'true';
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers,
        body: new Uint8Array(body),
      });
      return parse(response);
    },
    async stop() {
      try {
        await http.close();
      } finally {
        await app.close();
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
