import { randomBytes } from 'node:crypto';

/**
 * Where the Elasticsearch suites find their node, and how they clean up after themselves.
 *
 * - ES_URL wins; otherwise http://127.0.0.1:9200 (what scripts/elasticsearch/start.sh serves).
 * - A missing node fails the suite loudly. Only SKIP_ELASTICSEARCH=1, outside CI, skips it
 *   (as a describe.skip whose name says so: jest fails on console output, so no printing).
 * - Each test process works under its own index prefix and deletes its indices afterwards.
 */
const DEFAULT_ES_URL = 'http://127.0.0.1:9200';

export function elasticsearchUrl(): string {
  const url = process.env.ES_URL?.trim();
  return url === undefined || url === '' ? DEFAULT_ES_URL : url.replace(/\/+$/, '');
}

function skipRequested(): boolean {
  return process.env.SKIP_ELASTICSEARCH === '1' && process.env.CI === undefined;
}

/** describe() for suites that need Elasticsearch; describe.skip only when explicitly asked. */
export function describeElasticsearch(name: string, body: () => void): void {
  if (skipRequested()) {
    describe.skip(`${name} (SKIPPED: SKIP_ELASTICSEARCH=1)`, body);
  } else {
    describe(name, body);
  }
}

/** Resolves with the URL once /_cluster/health answers; throws a loud, actionable error. */
export async function requireElasticsearch(timeoutMs = 5000): Promise<string> {
  const url = elasticsearchUrl();
  try {
    const response = await fetch(`${url}/_cluster/health`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { status?: string };
    if (body.status === 'green' || body.status === 'yellow') return url;
    throw new Error(`cluster status ${String(body.status)} (HTTP ${response.status})`);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const ci = process.env.CI !== undefined;
    throw new Error(
      `ELASTICSEARCH NOT REACHABLE at ${url} (${why}). ` +
        (ci
          ? 'CI must run the Elasticsearch suites: start it with scripts/elasticsearch/start.sh.'
          : 'Start it with scripts/elasticsearch/start.sh, point ES_URL at one, ' +
            'or set SKIP_ELASTICSEARCH=1 to skip these suites.'),
    );
  }
}

/** A prefix no other test process uses: `test-<pid>-<random>` (a legal index-name start). */
export function testIndexPrefix(): string {
  return `test-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Deletes every index whose name starts with `${prefix}-`. Names are listed first and deleted
 * explicitly, because clusters refuse wildcard deletes by default
 * (action.destructive_requires_name).
 */
export async function deleteIndicesWithPrefix(prefix: string): Promise<void> {
  const url = elasticsearchUrl();
  const listed = await fetch(`${url}/_cat/indices/${prefix}-*?format=json&h=index`);
  if (!listed.ok) return;
  const indices = ((await listed.json()) as Array<{ index: string }>).map((row) => row.index);
  if (indices.length === 0) return;
  const deleted = await fetch(`${url}/${indices.map(encodeURIComponent).join(',')}`, {
    method: 'DELETE',
  });
  if (!deleted.ok) throw new Error(`could not delete test indices ${indices.join(', ')}`);
}

/** Plain-HTTP request to the test node, for assertions that must not go through the adapter. */
export async function esRequest(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${elasticsearchUrl()}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}
