/**
 * What a query bomb costs the server and the shopper beside it, without the query limits
 * (every limit raised out of reach, the old behaviour) and with the defaults. For each: the
 * bomb's answer time, and the latency of a shopper's text search sent 5 ms after the bomb,
 * against the same search alone. Run: `npx tsx bench/limits.bench.ts [MODEL_DIR]` (default:
 * the tests' toy model in .cache/toy-model; SQLite in a temp dir).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/composition/create-app';
import { loadConfig } from '../src/config/load-config';
import { createHttpServer } from '../src/http/http-server';
import { createLogger } from '../src/observability/logger';

const UNLIMITED = {
  GRAPHQL_MAX_ALIASES: '100000',
  GRAPHQL_MAX_TOKENS: '10000000',
  GRAPHQL_MAX_COST: '1000000000',
  GRAPHQL_MAX_DIRECTIVES: '100000',
  EMBED_MAX_QUEUE: '100000',
  GRAPHQL_MAX_EMBEDDINGS: '100000',
};

const SHOPPER = '{ similarImages(text: "red sneaker", first: 5) { edges { node { score } } } }';

function bomb(aliases: number): string {
  const parts = Array.from(
    { length: aliases },
    (_, i) => `a${i}: similarImages(text: "bomb ${i}") { pageInfo { hasNextPage } }`,
  );
  return `{ ${parts.join(' ')} }`;
}

async function timed(url: string, query: string): Promise<{ ms: number; code: string }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  const code = body.errors?.[0]?.extensions?.code ?? `${response.status} ok`;
  return { ms: performance.now() - started, code };
}

async function scenario(name: string, env: Record<string, string>, modelDir: string) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pis-limits-bench-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    MODEL_DIR: modelDir,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const logger = createLogger(config.log);
  const app = await createApp(config, logger);
  const http = createHttpServer({ app, config, logger });
  const url = `${(await http.listen()).url}${config.http.graphqlPath}`;
  try {
    await timed(url, SHOPPER); // warm-up
    const alone = await timed(url, SHOPPER);
    const bombQuery = bomb(8000);
    const bombed = timed(url, bombQuery);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const beside = await timed(url, SHOPPER);
    const answered = await bombed;
    process.stdout.write(
      `${name.padEnd(10)} bomb (8000 aliases, ${Math.round(bombQuery.length / 1024)} KB): ${answered.ms.toFixed(0)} ms ${answered.code}; ` +
        `shopper alone ${alone.ms.toFixed(1)} ms, beside the bomb ${beside.ms.toFixed(1)} ms (${beside.code}, x${(beside.ms / alone.ms).toFixed(1)})\n`,
    );
  } finally {
    await http.close();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const modelDir = process.argv[2] ?? path.resolve('.cache', 'toy-model');
  await scenario('unlimited', UNLIMITED, modelDir);
  await scenario('defaults', {}, modelDir);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
