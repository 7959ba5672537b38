import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ClipTokenizer, cleanText } from '../../../../src/adapters/onnx/clip-tokenizer';
import { ErrorCode } from '../../../../src/errors/app-error';
import { toyModelDir } from '../../../helpers/toy-model';

/*
 * test/fixtures/tokenizer/clip-tokenizer.json.gz is OpenAI CLIP's real tokenizer, built by
 * scripts/reference/build-clip-tokenizer.py from bpe_simple_vocab_16e6.txt.gz (shipped in the
 * PyPI wheel open_clip_torch 3.3.0) the way transformers' CLIPConverter builds it.
 * Expected ids come from scripts/reference/clip-tokenizer-reference.py, i.e. HF `tokenizers`
 * 0.23.3 (Rust) used the way Immich uses it, on the same file. "a photo of a cat" is also the
 * well-known CLIP example: [49406, 320, 1125, 539, 320, 2368, 49407].
 */
const REAL_CLIP_IDS: Record<string, number[]> = {
  'a photo of a cat': [49406, 320, 1125, 539, 320, 2368, 49407],
  'A  Photo of a DOG!!': [49406, 320, 1125, 539, 320, 1929, 748, 49407],
  "it's a red t-shirt, 100% cotton": [
    49406, 585, 568, 320, 736, 339, 268, 2523, 267, 272, 271, 271, 260, 7050, 49407,
  ],
  'Café crème brûlée 東京 🚀': [
    49406, 15304, 1075, 12138, 614, 711, 127, 119, 75, 13489, 48338, 21078, 361, 13542, 49407,
  ],
  '': [49406, 49407],
  '  Multiple\t\nspaces  ': [49406, 6470, 9006, 49407],
};
const START = 49406;
const END = 49407;

function realClip(options: { padToken?: string; canonicalize?: boolean } = {}): ClipTokenizer {
  const file = path.join(
    __dirname,
    '..',
    '..',
    '..',
    'fixtures',
    'tokenizer',
    'clip-tokenizer.json.gz',
  );
  const json = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as unknown;
  return ClipTokenizer.fromJson(json, { contextLength: 77, padToken: '<|endoftext|>', ...options });
}

describe('ClipTokenizer on the real CLIP vocabulary', () => {
  const tokenizer = realClip();

  it.each(Object.entries(REAL_CLIP_IDS))('encodes %j like the Python reference', (text, ids) => {
    const out = tokenizer.encode(text);
    expect(out).toBeInstanceOf(Int32Array);
    expect(out).toHaveLength(77);
    expect(Array.from(out.subarray(0, ids.length))).toEqual(ids);
    // Immich pads with tokenizer_config's pad_token, <|endoftext|>.
    expect(Array.from(out.subarray(ids.length))).toEqual(new Array(77 - ids.length).fill(END));
  });

  it('truncates to 77 keeping the start token first and the end token last', () => {
    // Reference: 'red shoes ' * 50 -> [49406, 736, 4079, ... (75 tokens), 49407], no padding.
    const out = Array.from(tokenizer.encode('red shoes '.repeat(50)));
    expect(out).toHaveLength(77);
    expect(out[0]).toBe(START);
    expect(out[76]).toBe(END);
    expect(out.slice(1, 76)).toEqual(
      Array.from({ length: 75 }, (_, i) => (i % 2 === 0 ? 736 : 4079)),
    );
  });

  it('pads with 0 (OpenCLIP) when the model folder names no pad token', () => {
    const out = realClip({ padToken: undefined }).encode('a photo of a cat');
    expect(Array.from(out.subarray(0, 8))).toEqual([START, 320, 1125, 539, 320, 2368, END, 0]);
    expect(out.subarray(7).every((id) => id === 0)).toBe(true);
  });

  it('packs a batch row-major', () => {
    const batch = tokenizer.encodeBatch(['a photo of a cat', '']);
    expect(batch).toHaveLength(154);
    expect(Array.from(batch.subarray(77, 80))).toEqual([START, END, END]);
    expect(Array.from(batch.subarray(0, 7))).toEqual(REAL_CLIP_IDS['a photo of a cat']);
  });

  it('canonicalizes (Immich tokenizer_kwargs.clean) by dropping punctuation', () => {
    const out = realClip({ canonicalize: true }).encode('A  Photo of a DOG!!');
    expect(Array.from(out.subarray(0, 8))).toEqual([START, 320, 1125, 539, 320, 1929, END, END]);
  });

  it('refuses a pad token the vocabulary lacks', () => {
    expect(() => realClip({ padToken: '<pad>' })).toThrow(
      expect.objectContaining({ code: ErrorCode.MODEL_UNAVAILABLE }),
    );
  });
});

describe('ClipTokenizer on the toy model tokenizer (same code path)', () => {
  /*
   * Expected ids: scripts/reference/clip-tokenizer-reference.py on the generated
   * .cache/toy-model/textual/tokenizer.json (toy-colour-clip-2). Toy start = 668, end = 669.
   * Regenerate these when TOY_MODEL_VERSION changes the vocabulary.
   */
  const TOY_IDS: Record<string, number[]> = {
    'a photo of a red shirt': [668, 320, 571, 559, 320, 513, 586, 669],
    'Gray SOCKS!': [668, 552, 608, 256, 669],
    'unknownword blue': [668, 84, 77, 74, 77, 78, 86, 77, 86, 514, 323, 532, 669],
  };

  it.each(Object.entries(TOY_IDS))('encodes %j like the Python reference', async (text, ids) => {
    const file = path.join(toyModelDir(), 'textual', 'tokenizer.json');
    const tokenizer = await ClipTokenizer.fromFile(file, {
      contextLength: 77,
      padToken: '<|endoftext|>',
    });
    const out = Array.from(tokenizer.encode(text));
    expect(out.slice(0, ids.length)).toEqual(ids);
    expect(out.slice(ids.length)).toEqual(new Array(77 - ids.length).fill(669));
  });

  it('reports a missing tokenizer file as MODEL_UNAVAILABLE', async () => {
    await expect(
      ClipTokenizer.fromFile('/nonexistent/tokenizer.json', { contextLength: 77 }),
    ).rejects.toMatchObject({
      code: ErrorCode.MODEL_UNAVAILABLE,
    });
  });
});

describe('cleanText (OpenCLIP basic_clean + whitespace_clean + lower)', () => {
  // Expected strings: open_clip 3.3 tokenizer._clean_lower / _clean_canonicalize (ftfy 6.3.1).
  it('collapses and trims whitespace and lower-cases; canonicalize also strips punctuation', () => {
    expect(cleanText('  Red\t\n shirt  ')).toBe('red shirt');
    expect(cleanText("Men's T-Shirt, RED!", true)).toBe('mens tshirt red');
  });

  it('repairs what ftfy and html.unescape repair', () => {
    expect(cleanText('cafÃ©')).toBe('café');
    expect(cleanText('Tom &amp;amp; Jerry')).toBe('tom & jerry');
    expect(cleanText('Women’s “Best”')).toBe('women\'s "best"');
    expect(cleanText('ＡＢＣ１２３ ｱｲﾌｫﾝ')).toBe('abc123 アイフォン');
    expect(cleanText('ﬁne ﬂour')).toBe('fine flour');
    expect(cleanText('\x1b[31mred\x1b[0m\ufeff shoe\x1f')).toBe('red shoe');
    expect(cleanText('a\x1cb')).toBe('ab');
  });
});
