import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ClipTokenizer } from '../../../../src/adapters/onnx/clip-tokenizer';

/*
 * test/fixtures/tokenizer/openclip-text-corpus.json.gz: 1,069 strings (HTML entities,
 * mojibake, curly quotes, width forms, ligatures, control characters, terminal escapes,
 * special-token text, whitespace code points, line breaks, and product titles in English,
 * Vietnamese, Thai, Indonesian, Malay, Chinese and Tagalog) with the ids OpenCLIP 3.3's own
 * SimpleTokenizer gives them (ftfy 6.3.1 + html.unescape + BPE on the same vocabulary as
 * clip-tokenizer.json.gz). Made by scripts/reference/clip-text-corpus.py, which says how.
 */
interface Entry {
  readonly class: string;
  readonly text: string;
  readonly ids: number[];
  readonly clean?: 'canonicalize';
  readonly deviation?: string;
}

const fixtures = path.join(__dirname, '..', '..', '..', 'fixtures', 'tokenizer');
const read = (file: string): unknown =>
  JSON.parse(gunzipSync(readFileSync(path.join(fixtures, file))).toString('utf8'));

const entries = (read('openclip-text-corpus.json.gz') as { entries: Entry[] }).entries;
const vocabulary = read('clip-tokenizer.json.gz');
const lower = ClipTokenizer.fromJson(vocabulary, { contextLength: 77, padToken: '<|endoftext|>' });
const canonical = ClipTokenizer.fromJson(vocabulary, {
  contextLength: 77,
  padToken: '<|endoftext|>',
  canonicalize: true,
});

const byClass = new Map<string, Entry[]>();
for (const entry of entries) byClass.set(entry.class, [...(byClass.get(entry.class) ?? []), entry]);

describe('ClipTokenizer against OpenCLIP on the reference corpus', () => {
  it('covers at least 1,000 strings in every class the issue names', () => {
    expect(entries.length).toBeGreaterThanOrEqual(1000);
    const classes = [...byClass.keys()];
    for (const expected of ['html-entity', 'mojibake-cp1252', 'curly-quotes', 'width-forms']) {
      expect(classes).toContain(expected);
    }
    for (const expected of ['ligatures', 'control-chars', 'terminal-escapes', 'whitespace']) {
      expect(classes).toContain(expected);
    }
    for (const lang of ['en', 'vi', 'th', 'id', 'ms', 'zh', 'tl']) {
      expect(classes).toContain(`title-${lang}`);
    }
    expect(classes).toContain('special-token-text');
  });

  it.each([...byClass.keys()])('gives the reference ids for every %s string', (cls) => {
    const mismatches = (byClass.get(cls) ?? [])
      .map((entry) => {
        const tokenizer = entry.clean === 'canonicalize' ? canonical : lower;
        const ids = Array.from(tokenizer.encode(entry.text).subarray(0, entry.ids.length));
        return { text: entry.text, ids, expected: entry.ids };
      })
      .filter(({ ids, expected }) => ids.join() !== expected.join());
    expect(mismatches).toEqual([]);
  });

  it('keeps special-token text as plain characters, whatever its spelling or case', () => {
    const special = entries.filter((entry) => entry.class === 'special-token-text');
    for (const entry of special) {
      // Only the start and end tokens OpenCLIP adds: 49406 first, 49407 once, last.
      expect(entry.ids.filter((id) => id >= 49406)).toEqual([49406, 49407]);
      const ids = Array.from(lower.encode(entry.text));
      expect(ids.indexOf(49407)).toBe(entry.ids.length - 1);
    }
  });
});
