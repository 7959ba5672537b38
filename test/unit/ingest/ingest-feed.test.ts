/** The feed's checks and the state file's format, without files (URL photos only). */
import { toVariables } from '../../../scripts/ingest/ingest-client';
import { checkProduct, formatOf, headerProblems } from '../../../scripts/ingest/ingest-feed';
import { parseState, stateRecords } from '../../../scripts/ingest/ingest-state';

const good = {
  id: 'p1',
  title: 'Red shirt',
  category: 'apparel',
  price: 10,
  currency: 'USD',
  photos: ['https://img.example.com/a.jpg'],
};
const check = (raw: unknown) => checkProduct(raw, 7, JSON.stringify(raw), '/nowhere');

describe('checkProduct', () => {
  it('accepts a product with URL photos and keeps its line number and a stable hash', async () => {
    const line = await check({ ...good, tags: ['a'], inStock: false, description: 'd' });
    expect(line.problems).toEqual([]);
    expect(line.line).toBe(7);
    expect(line.product).toEqual({
      ...good,
      tags: ['a'],
      inStock: false,
      description: 'd',
      photos: [{ kind: 'url', url: 'https://img.example.com/a.jpg' }],
    });
    expect(line.sha).toBe(
      (await check({ ...good, tags: ['a'], inStock: false, description: 'd' })).sha,
    );
    expect(line.sha).not.toBe((await check(good)).sha);
  });

  it.each([
    [{ ...good, id: undefined }, /^id:/],
    [{ ...good, title: '  ' }, /^title:/],
    [{ ...good, price: '10' }, /^price:/],
    [{ ...good, price: -1 }, /^price:/],
    [{ ...good, tags: 'a|b' }, /^tags:/],
    [{ ...good, inStock: 'yes' }, /^inStock:/],
    [{ ...good, photos: [] }, /^photos:/],
    [{ ...good, colour: 'red' }, /unknown field\(s\): colour/],
    [{ ...good, photos: ['ftp://host/a.jpg'] }, /only http and https/],
    [{ ...good, photos: ['missing.jpg'] }, /no such file/],
  ])('reports a bad product: %j', async (raw, problem) => {
    const line = await check(raw);
    expect(line.product).toBeUndefined();
    expect(line.problems.join('\n')).toMatch(problem);
  });

  it('keeps the id of a bad line for the report', async () => {
    expect((await check({ ...good, price: 'x' })).id).toBe('p1');
  });
});

describe('headerProblems', () => {
  it('accepts the documented columns in any order, with optional ones left out', () => {
    expect(headerProblems(['photos', 'currency', 'price', 'category', 'title', 'id'])).toEqual([]);
  });
  it('names unknown, repeated and missing columns', () => {
    const problems = headerProblems(['id', 'id', 'title', 'colour', 'price', 'currency', 'photos']);
    expect(problems).toEqual([
      'unknown column(s): colour',
      'repeated column(s): id',
      'missing column(s): category',
    ]);
  });
});

describe('formatOf', () => {
  it('knows the format by extension only', () => {
    expect(formatOf('a/feed.JSONL')).toBe('jsonl');
    expect(formatOf('feed.ndjson')).toBe('jsonl');
    expect(formatOf('feed.csv')).toBe('csv');
    expect(formatOf('feed.txt')).toBeUndefined();
  });
});

describe('state records', () => {
  it('round-trips acknowledged lines, and the last of several records for a line wins', () => {
    const text =
      stateRecords([
        { line: 1, id: 'a', sha: 'x' },
        { line: 2, id: 'b', sha: 'y' },
      ]) + stateRecords([{ line: 1, id: 'a', sha: 'z' }]);
    expect(parseState(text)).toEqual(
      new Map([
        [1, 'z'],
        [2, 'y'],
      ]),
    );
  });

  it('ignores a record torn by a kill and lines that are not records', () => {
    const text = `${stateRecords([{ line: 1, id: 'a', sha: 'x' }])}{"line":2,"id":"b","sh`;
    expect(parseState(`${text}\n{"other":1}\n\n`)).toEqual(new Map([[1, 'x']]));
  });
});

describe('toVariables', () => {
  it('puts a null where each upload goes and names its path for the multipart map', () => {
    const { inputs, uploads } = toVariables([
      { ...good, photos: [{ kind: 'url', url: 'https://x/1.jpg' }] },
      {
        ...good,
        id: 'p2',
        photos: [
          { kind: 'file', path: '/f/a.jpg', bytes: 1, mtimeMs: 0 },
          { kind: 'url', url: 'https://x/2.jpg' },
          { kind: 'file', path: '/f/b.jpg', bytes: 1, mtimeMs: 0 },
        ],
      },
    ]);
    expect(inputs[0]).toEqual({ ...good, photos: [{ url: 'https://x/1.jpg' }] });
    expect((inputs[1] as { photos: unknown }).photos).toEqual([
      { upload: null },
      { url: 'https://x/2.jpg' },
      { upload: null },
    ]);
    expect(uploads).toEqual([
      { variablePath: 'variables.inputs.1.photos.0.upload', file: '/f/a.jpg' },
      { variablePath: 'variables.inputs.1.photos.2.upload', file: '/f/b.jpg' },
    ]);
  });
});
