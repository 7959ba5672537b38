/**
 * Issue 12's result shaping against a plain text search, same server, same run: a facetted
 * query (totalCount + facets), a diversified one (diversity 0.5), a sorted one (PRICE_ASC) and
 * a collapsed one (collapseDuplicates), each interleaved with the plain query round by round so
 * drift and noise fall on all of them alike. One client; the texts differ every round (embedding
 * caches are off in the bench), the same text for every variant of a round.
 */

const EDGES = `edges { node { score product { id title price } matchedImage { id } } }
    pageInfo { hasNextPage endCursor }`;

const VARIANTS: ReadonlyArray<{ name: string; args: string; fields: string }> = [
  { name: 'plain text', args: '', fields: '' },
  {
    name: 'facetted (totalCount + facets)',
    args: '',
    fields:
      'totalCount facets { categories { value count } tags { value count } prices { min max count } }',
  },
  { name: 'diversified (diversity 0.5)', args: ', diversity: 0.5', fields: '' },
  { name: 'sorted (PRICE_ASC)', args: ', sort: PRICE_ASC', fields: '' },
  { name: 'collapsed (collapseDuplicates)', args: ', collapseDuplicates: true', fields: '' },
];

function queryOf(variant: (typeof VARIANTS)[number]): string {
  return `query S($text: String) {
  similarImages(text: $text, first: 20${variant.args}) { ${EDGES} ${variant.fields} }
}`;
}

async function search(url: string, query: string, text: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables: { text } }),
  });
  const body = (await response.json()) as {
    errors?: unknown[];
    data?: { similarImages?: { edges: unknown[] } };
  };
  if (body.errors !== undefined || (body.data?.similarImages?.edges.length ?? 0) === 0) {
    throw new Error(`search failed: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Prints one markdown table: p50/p95 per variant and each as a ratio of the plain query's. */
export async function shapingFigures(
  graphqlUrl: string,
  texts: readonly string[],
  runs: number,
  out: (line: string) => void,
): Promise<void> {
  const queries = VARIANTS.map(queryOf);
  const latencies = VARIANTS.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    const text = `${texts[i % texts.length]} ${i}`;
    // Rotate who goes first: the first of a round may pay for a cold list read.
    for (let j = 0; j < queries.length; j++) {
      const v = (i + j) % queries.length;
      const started = performance.now();
      await search(graphqlUrl, queries[v] as string, text);
      latencies[v]?.push(performance.now() - started);
    }
  }
  const sorted = latencies.map((l) => [...l].sort((a, b) => a - b));
  const plain = sorted[0] as number[];
  const [p50, p95] = [percentile(plain, 50), percentile(plain, 95)];
  out(`\nResult shaping, text queries, first: 20, ${runs} rounds, 1 client:\n`);
  out('| query | p50 ms | p95 ms | p50 / plain | p95 / plain |');
  out('|---|---|---|---|---|');
  VARIANTS.forEach((variant, v) => {
    const s = sorted[v] as number[];
    const a = percentile(s, 50);
    const b = percentile(s, 95);
    out(
      `| ${variant.name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(a / p50).toFixed(2)}x | ${(b / p95).toFixed(2)}x |`,
    );
  });
}
