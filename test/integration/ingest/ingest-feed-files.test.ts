/** readFeed on real files: line numbers, CSV quoting and multi-line records, local photos. */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFeed, type FeedLine } from '../../../scripts/ingest/ingest-feed';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ingest-feed-'));
  writeFileSync(path.join(dir, 'a.jpg'), 'photo bytes');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, text: string, format: 'jsonl' | 'csv'): Promise<FeedLine[]> {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  const lines: FeedLine[] = [];
  for await (const line of readFeed(file, format)) lines.push(line);
  return lines;
}

it('numbers JSONL lines as the file does, blank lines included, and resolves photos beside the feed', async () => {
  const product = {
    id: 'p',
    title: 't',
    category: 'c',
    price: 1,
    currency: 'USD',
    photos: ['a.jpg'],
  };
  const lines = await read('f.jsonl', `${JSON.stringify(product)}\n\n[1]\n{oops\n`, 'jsonl');
  expect(lines.map((l) => [l.line, l.problems])).toEqual([
    [1, []],
    [3, ['not a JSON object']],
    [4, ['not valid JSON']],
  ]);
  expect(lines[0]!.product!.photos).toEqual([
    expect.objectContaining({ kind: 'file', path: path.join(dir, 'a.jpg'), bytes: 11 }),
  ]);
});

it('reads CSV: quoted commas, a record over two lines, split tags and photos, typed cells', async () => {
  const csv = [
    'id,title,description,category,price,currency,tags,inStock,photos',
    'p1,"Shirt, red","two',
    'lines",apparel,9.5,USD,a|b,yes,a.jpg|https://x.example/1.jpg',
    'p2,Mug,,kitchen,abc,USD,,,a.jpg',
    'p3,Short',
    '',
  ].join('\n');
  const lines = await read('f.csv', csv, 'csv');
  expect(lines.map((l) => l.line)).toEqual([2, 4, 5]);
  expect(lines[0]!.product).toEqual({
    id: 'p1',
    title: 'Shirt, red',
    description: 'two\nlines',
    category: 'apparel',
    price: 9.5,
    currency: 'USD',
    tags: ['a', 'b'],
    inStock: true,
    photos: [
      expect.objectContaining({ kind: 'file', bytes: 11 }),
      { kind: 'url', url: 'https://x.example/1.jpg' },
    ],
  });
  expect(lines[1]!.problems.join()).toMatch(/^price:/);
  expect(lines[2]!.problems.join()).toMatch(/2 fields/);
});

it('flags a CSV header with unknown or missing columns as fatal', async () => {
  const lines = await read('h.csv', 'id,title,colour\np1,t,red\n', 'csv');
  expect(lines[0]).toMatchObject({ line: 1, fatal: true });
  expect(lines[0]!.problems.join('\n')).toMatch(/unknown column\(s\): colour/);
});

it('changes a line’s hash when a local photo is replaced, so a re-run sends it again', async () => {
  const text = `${JSON.stringify({ id: 'p', title: 't', category: 'c', price: 1, currency: 'USD', photos: ['a.jpg'] })}\n`;
  const [before] = await read('f.jsonl', text, 'jsonl');
  utimesSync(path.join(dir, 'a.jpg'), new Date(), new Date(Date.now() + 5000));
  const [after] = await read('f.jsonl', text, 'jsonl');
  expect(after!.sha).not.toBe(before!.sha);
});
