/**
 * Issue 10, finding "Upload temp files leak": every early answer to a multipart request (no
 * preflight header, a batch, a parse or validation error, an upload never read because of @skip)
 * must leave no temp file and no open descriptor behind. Sent with fetch + FormData from another
 * process, as browsers and upload clients do (an in-process client shares the event loop and
 * hides the race), with a 10 MB and a 73 KB file.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';

/** The upload temp files this process holds open (graphql-upload-ts names them capacitor-*). */
function openUploadFiles(): string[] {
  const files: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.includes('capacitor-')) files.push(target.replace(/ \(deleted\)$/, ''));
    } catch {
      // the descriptor closed while we listed them
    }
  }
  return files;
}

/**
 * Upload temp files still open or on disk, after waiting (bounded) for cleanup: it runs when the
 * response closes or the late part arrives, so it is awaited, not assumed.
 */
async function leftUploadFiles(seen: Set<string>): Promise<string[]> {
  const left = (): string[] => {
    const open = openUploadFiles();
    for (const file of open) seen.add(file);
    return [...seen].filter((file) => existsSync(file) || open.includes(file));
  };
  for (let i = 0; i < 200 && left().length > 0; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return left();
}

/** A browser-like client in its own process: fetch + FormData, one file part of `size` bytes. */
const CLIENT = `
const [url, size, preflight, operations, map] = process.argv.slice(1);
const body = new FormData();
body.append('operations', operations);
body.append('map', map);
body.append('0', new Blob([new Uint8Array(Number(size)).fill(7)], { type: 'image/png' }), 'photo.png');
const headers = preflight === '1' ? { 'apollo-require-preflight': 'true' } : {};
const response = await fetch(url, { method: 'POST', headers, body });
const text = await response.text();
process.stdout.write(JSON.stringify({ status: response.status, body: JSON.parse(text) }));
`;

interface ClientResult {
  status: number;
  body: { errors?: Array<{ extensions?: { code?: string } }> };
}

function sendForm(
  url: string,
  args: { size: number; preflight: boolean; operations: unknown; map: unknown },
  onWaiting: () => void,
): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        CLIENT,
        url,
        String(args.size),
        args.preflight ? '1' : '0',
        JSON.stringify(args.operations),
        JSON.stringify(args.map),
      ],
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as ClientResult)),
    );
    child.once('spawn', onWaiting);
  });
}

const SEARCH = 'query($image: Upload) { similarImages(image: $image) { edges { cursor } } }';
const SIZES = { '10 MB': 10_000_000, '73 KB': 73_000 };

const CASES: Array<{ name: string; operations: unknown; map: unknown; preflight: boolean }> = [
  {
    name: 'no Apollo-Require-Preflight header',
    operations: { query: SEARCH, variables: { image: null } },
    map: { 0: ['variables.image'] },
    preflight: false,
  },
  {
    name: 'a batched request',
    operations: [{ query: SEARCH, variables: { image: null } }],
    map: { 0: ['0.variables.image'] },
    preflight: true,
  },
  {
    name: 'a parse error',
    operations: {
      query: 'query($image: Upload) { similarImages(image: $image) {',
      variables: { image: null },
    },
    map: { 0: ['variables.image'] },
    preflight: true,
  },
  {
    name: 'a validation error',
    operations: {
      query: 'query($image: Upload) { similarImages(image: $image) { noSuchField } }',
      variables: { image: null },
    },
    map: { 0: ['variables.image'] },
    preflight: true,
  },
  {
    name: 'an upload never read (@skip)',
    operations: {
      query:
        'query($image: Upload) { similarImages(image: $image) @skip(if: true) { edges { cursor } } }',
      variables: { image: null },
    },
    map: { 0: ['variables.image'] },
    preflight: true,
  },
];

describe('upload temp files after early answers', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  for (const testCase of CASES) {
    for (const [sizeName, size] of Object.entries(SIZES)) {
      it(`${testCase.name}, ${sizeName} file: no temp file or descriptor left`, async () => {
        expect(openUploadFiles()).toEqual([]);
        const seen = new Set<string>();
        const result = await sendForm(server.graphqlUrl, { ...testCase, size }, () => undefined);
        expect(result.status).toBeGreaterThanOrEqual(200);
        expect(result.status).toBeLessThan(500);
        expect(await leftUploadFiles(seen)).toEqual([]);
      });
    }
  }

  it('one 10 MB upload used by 11 aliases: no MaxListenersExceededWarning, nothing left', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on('warning', onWarning);
    try {
      const aliases = Array.from(
        { length: 11 },
        (_, i) => `a${i}: similarImages(image: $image) { edges { cursor } }`,
      ).join(' ');
      const result = await sendForm(
        server.graphqlUrl,
        {
          size: SIZES['10 MB'],
          preflight: true,
          operations: { query: `query($image: Upload) { ${aliases} }`, variables: { image: null } },
          map: { 0: ['variables.image'] },
        },
        () => undefined,
      );
      // Not an image: every alias fails with a photo error, none with an internal one.
      const codes = new Set(result.body.errors?.map((error) => error.extensions?.code));
      expect(codes.has('INTERNAL_SERVER_ERROR')).toBe(false);
      expect(codes.size).toBeGreaterThan(0);
      expect(await leftUploadFiles(new Set())).toEqual([]);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
