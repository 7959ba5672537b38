/**
 * The fuzz runner (issue 10): hostile uploads against the real server (toy model, SQLite). Every
 * response must carry a documented code, none may be a 5xx or an INTERNAL_SERVER_ERROR, and
 * the service must still answer a normal search afterwards. CI runs a bounded sample; by hand:
 *
 *   FUZZ_CASES=10000 FUZZ_SEED=7 FUZZ_REPORT=/tmp/fuzz.json npx jest test/security/fuzz.test.ts
 *
 * which also records RSS before and after (FUZZ_REPORT) and fails if RSS ends above 1.5x its
 * value after warm-up.
 */
import { writeFileSync } from 'node:fs';
import { ERROR_STATUS } from '../../src/errors/error-codes';
import { photoOf } from '../helpers/images';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';
import { fuzzCases, seedPhotos } from './fuzz/fuzz-corpus';

const CASES = Number(process.env['FUZZ_CASES'] ?? '200');
const SEED = Number(process.env['FUZZ_SEED'] ?? '1');
const REPORT = process.env['FUZZ_REPORT'];
const SEARCH =
  'query($image: Upload) { similarImages(image: $image, first: 1) { edges { cursor } } }';

jest.setTimeout(Math.max(120_000, CASES * 200));

describe('fuzzed uploads', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ ORT_INTRA_OP_THREADS: '1' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it(`${CASES} hostile uploads (seed ${SEED}): documented codes only, no 5xx`, async () => {
    const photos = await seedPhotos();
    const tally = new Map<string, number>();
    const bad: string[] = [];
    let warmRss = 0;
    const started = Date.now();
    let i = 0;
    for (const testCase of fuzzCases(photos, SEED, CASES)) {
      if (i === Math.min(50, CASES - 1)) warmRss = process.memoryUsage().rss;
      const { status, body } = await server.upload(
        SEARCH,
        { image: null },
        { 'variables.image': { bytes: testCase.bytes, filename: 'f' } },
        { headers: { accept: 'application/graphql-response+json' } },
      );
      const code = String(body.errors?.[0]?.extensions?.code ?? 'OK');
      tally.set(
        `${testCase.kind} ${status} ${code}`,
        (tally.get(`${testCase.kind} ${status} ${code}`) ?? 0) + 1,
      );
      const documented = code === 'OK' || Object.hasOwn(ERROR_STATUS, code);
      if (status >= 500 || code === 'INTERNAL_SERVER_ERROR' || !documented) {
        bad.push(`#${i} ${testCase.kind}: ${status} ${code}`);
      }
      i += 1;
    }
    const endRss = process.memoryUsage().rss;
    const normal = await server.upload(
      SEARCH,
      { image: null },
      {
        'variables.image': { bytes: await photoOf('red'), filename: 'red.jpg' },
      },
    );
    if (REPORT !== undefined) {
      writeFileSync(
        REPORT,
        JSON.stringify(
          {
            cases: CASES,
            seed: SEED,
            seconds: (Date.now() - started) / 1000,
            rssAfterWarmupMb: Math.round(warmRss / 2 ** 20),
            rssEndMb: Math.round(endRss / 2 ** 20),
            outcomes: Object.fromEntries([...tally].sort()),
          },
          null,
          2,
        ),
      );
    }
    expect(bad).toEqual([]);
    expect(normal.body.errors).toBeUndefined();
    if (CASES >= 1000) expect(endRss).toBeLessThanOrEqual(warmRss * 1.5);
  });
});
