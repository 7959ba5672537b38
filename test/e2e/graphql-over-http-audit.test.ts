/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/**
 * The GraphQL-over-HTTP conformance audits of `graphql-http`, run against the real server:
 * no MUST may fail. SHOULDs and MAYs are recommendations; the ones we miss are listed on
 * stdout, not asserted (today: Apollo answers 400, not the recommended 200, to documents that
 * fail to parse, validate or coerce under application/json; and three MAYs about GET).
 */
import { auditServer } from 'graphql-http';
import type { AuditResult } from 'graphql-http';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';

let server: TestServer;
let results: AuditResult[];
beforeAll(async () => {
  server = await startTestServer();
  results = await auditServer({ url: server.graphqlUrl });
});
afterAll(async () => {
  listMissedRecommendations(results ?? []);
  await server?.stop();
});

function listMissedRecommendations(all: readonly AuditResult[]): void {
  const missed = all.flatMap((result) =>
    result.status === 'ok' ? [] : [`  ${result.status} ${result.name}: ${result.reason}`],
  );
  if (missed.length > 0) {
    process.stdout.write(`GraphQL-over-HTTP recommendations missed:\n${missed.join('\n')}\n`);
  }
}

it('ran the whole audit', () => {
  expect(results.length).toBeGreaterThan(20);
});

it('passes every MUST audit', () => {
  const failed = results
    .filter((result) => result.status !== 'ok' && result.name.startsWith('MUST'))
    .map((result) => `${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`);
  expect(failed).toEqual([]);
});
