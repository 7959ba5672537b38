/**
 * @jest-environment ./test/helpers/shared-typed-arrays.environment.ts
 */
/**
 * Opens the service's own GraphiQL page in headless Chromium (Debian's `chromium` through
 * playwright-core), runs a query by clicking the run button, and runs an image search through
 * the page's upload panel. Set GRAPHIQL_SCREENSHOT_DIR to also save a screenshot.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { photoOf } from '../helpers/images';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';
import { imageFile, indexProduct } from '../e2e/catalog-fixture';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let server: TestServer;
let browser: Browser;
let page: Page;
const foreignRequests: string[] = [];
const pageErrors: string[] = [];
const failedResponses: string[] = [];
const graphqlPosts: Array<{ contentType: string; preflight: string | undefined }> = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  server = await startTestServer();
  for (const [id, title, colour] of [
    ['b-red', 'Crimson browser teapot', 'red'],
    ['b-blue', 'Navy browser kettle', 'blue'],
    ['b-green', 'Emerald browser mug', 'green'],
  ] as const) {
    const response = await indexProduct(server, { id, title, category: 'kitchen', price: 12 }, [
      await imageFile(colour, 'solid'),
    ]);
    expect(response.body.errors).toBeUndefined();
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) {
      foreignRequests.push(request.url());
    }
    if (request.method() === 'POST' && request.url() === server.graphqlUrl) {
      const headers = request.headers();
      graphqlPosts.push({
        contentType: headers['content-type'] ?? '',
        preflight: headers['apollo-require-preflight'],
      });
    }
  });
  page.on('response', async (response) => {
    if (response.status() >= 400) {
      failedResponses.push(`${response.status()} ${response.url()} ${await response.text()}`);
    }
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(server.graphqlUrl);
  await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 30_000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Sets the text of one of GraphiQL's CodeMirror 5 editors, as typing would. */
async function setEditor(selector: string, text: string): Promise<void> {
  await page.evaluate(
    ([sel, value]) => {
      const element = document.querySelector(sel as string) as
        (Element & { CodeMirror?: { setValue(v: string): void } }) | null;
      if (element?.CodeMirror === undefined) throw new Error(`no CodeMirror at ${sel}`);
      element.CodeMirror.setValue(value as string);
    },
    [selector, text],
  );
}

async function runAndReadResult(expected: string): Promise<string> {
  await page.click('.graphiql-execute-button');
  const handle = await page.waitForFunction(
    (needle) => {
      const text =
        (document.querySelector('.result-window') as HTMLElement | null)?.innerText ?? '';
      return text.includes(needle) ? text : false;
    },
    expected,
    { timeout: 30_000 },
  );
  return (await handle.jsonValue()) as string;
}

it('loads from the service alone, with the upload panel and a default similarImages query', async () => {
  expect(await page.textContent('label[for="image-file"]')).toContain('Attach a photo as $image');
  const query = await page.evaluate(() =>
    (
      document.querySelector('.graphiql-query-editor .CodeMirror') as Element & {
        CodeMirror: { getValue(): string };
      }
    ).CodeMirror.getValue(),
  );
  expect(query).toContain('similarImages(image: $image, text: $text');
  expect(query).toContain('imageUrl: $imageUrl, similarTo: $similarTo');
  expect(query).toContain('totalCount');
  expect(query).toContain('prices { min max count }');
  const variables = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.graphiql-editor-tool .CodeMirror'))
      .map((el) => (el as Element & { CodeMirror: { getValue(): string } }).CodeMirror.getValue())
      .join('\n'),
  );
  expect(variables).toContain('"text": "red"');
  expect(foreignRequests).toEqual([]);
});

/** Replaces the query by typing, as a user would (select all, then type). */
async function typeQuery(text: string): Promise<void> {
  await page.click('.graphiql-query-editor .CodeMirror-lines');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

it('runs a typed query and shows the server data in the result pane', async () => {
  await typeQuery('query ProductById { product(id: "b-red") { id title } }');
  const result = await runAndReadResult('Crimson browser teapot');
  expect(result).toContain('b-red');
  expect(graphqlPosts.at(-1)?.contentType).toContain('application/json');
});

it('sends an attached photo as $image in a multipart request and shows the nearest product', async () => {
  await page.setInputFiles('#image-file', {
    name: 'blue-photo.jpg',
    mimeType: 'image/jpeg',
    buffer: await photoOf('blue'),
  });
  expect(await page.textContent('#image-status')).toContain('blue-photo.jpg');
  await setEditor(
    '.graphiql-query-editor .CodeMirror',
    'query Search($image: Upload) {\n  similarImages(image: $image, first: 1) {\n    edges { node { score product { id title } } }\n  }\n}\n',
  );
  const result = await runAndReadResult('Navy browser kettle');
  expect(result).not.toContain('Crimson browser teapot');
  expect(graphqlPosts.at(-1)?.contentType).toContain('multipart/form-data');
  expect(graphqlPosts.at(-1)?.preflight).toBe('true');

  const dir = process.env.GRAPHIQL_SCREENSHOT_DIR;
  if (dir !== undefined) await page.screenshot({ path: path.join(dir, 'graphiql.png') });
  expect(failedResponses).toEqual([]);
  expect(pageErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});
