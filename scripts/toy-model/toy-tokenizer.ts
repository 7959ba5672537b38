/**
 * A tiny CLIP-format tokenizer.json: the same normalizer, pre-tokenizer, byte-level BPE with
 * `</w>` end-of-word suffix and start/end post-processor as OpenAI CLIP's (as transformers'
 * CLIPConverter writes it), only with a small vocabulary. The runtime loads it through the
 * very same code path as a real CLIP tokenizer.
 */

/** Words that get a single token. Colour words carry meaning in the toy text tower. */
export const TOY_WORDS: readonly string[] = [
  ...['red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'pink', 'brown'],
  ...['white', 'grey', 'gray', 'black'],
  ...['a', 'an', 'the', 'of', 'and', 'with', 'in', 'for', 'photo', 'picture', 'product'],
  ...['shirt', 'dress', 'shoe', 'shoes', 'bag', 'hat', 'cap', 'jacket', 'socks', 'scarf'],
  ...['phone', 'case', 'mug', 'cup', 'chair', 'lamp', 'toy', 'car', 'ball', 'bottle'],
  ...['men', 'women', 'kids', 'cotton', 'leather', 'plastic', 'dark', 'light', 'bright'],
];

const START_TOKEN = '<|startoftext|>';
const END_TOKEN = '<|endoftext|>';
const SUFFIX = '</w>';

/** OpenAI's byte -> printable character map (simple_tokenizer.bytes_to_unicode). */
function bytesToUnicode(): string[] {
  const printable: number[] = [];
  const ranges: Array<[number, number]> = [
    [0x21, 0x7e],
    [0xa1, 0xac],
    [0xae, 0xff],
  ];
  for (const [from, to] of ranges) for (let b = from; b <= to; b++) printable.push(b);
  const byteToChar = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    byteToChar[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  }
  // Vocabulary order is OpenAI's: the printable bytes first, then the remapped ones.
  const order = [...printable, ...[...Array(256).keys()].filter((b) => !printable.includes(b))];
  return order.map((b) => byteToChar[b] as string);
}

/** Rank-ordered BPE over one word, as the BPE model applies merges. */
function applyMerges(word: string, ranks: Map<string, number>): string[] {
  const chars = [...word];
  const symbols = chars.map((c, i) => (i === chars.length - 1 ? c + SUFFIX : c));
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i < symbols.length - 1; i++) {
      const rank = ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
      if (rank !== undefined && rank < bestRank) [best, bestRank] = [i, rank];
    }
    if (best < 0) return symbols;
    symbols.splice(best, 2, `${symbols[best]}${symbols[best + 1]}`);
  }
}

/**
 * Merges that make every TOY_WORDS entry one token. Each word is first split with the merges
 * so far, then its remaining pieces are joined left to right with new (higher-ranked) merges,
 * so earlier words keep their single token.
 */
function buildMerges(words: readonly string[]): Array<[string, string]> {
  const merges: Array<[string, string]> = [];
  const ranks = new Map<string, number>();
  for (const word of words) {
    const pieces = applyMerges(word, ranks);
    let left = pieces[0] as string;
    for (const right of pieces.slice(1)) {
      ranks.set(`${left} ${right}`, merges.length);
      merges.push([left, right]);
      left += right;
    }
  }
  return merges;
}

export interface ToyVocabulary {
  vocab: Map<string, number>;
  merges: Array<[string, string]>;
  startId: number;
  endId: number;
}

export function buildToyVocabulary(): ToyVocabulary {
  const bytes = bytesToUnicode();
  const merges = buildMerges(TOY_WORDS);
  const tokens = [...bytes, ...bytes.map((b) => b + SUFFIX), ...merges.map(([a, b]) => a + b)];
  const vocab = new Map<string, number>();
  for (const token of tokens) if (!vocab.has(token)) vocab.set(token, vocab.size);
  const startId = vocab.size;
  vocab.set(START_TOKEN, startId);
  vocab.set(END_TOKEN, startId + 1);
  return { vocab, merges, startId, endId: startId + 1 };
}

function addedToken(id: number, content: string, normalized: boolean): object {
  return {
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized,
    special: true,
  };
}

/** The HF tokenizers JSON, field for field as CLIPConverter saves it. */
export function toyTokenizerJson(v: ToyVocabulary): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [addedToken(v.startId, START_TOKEN, true), addedToken(v.endId, END_TOKEN, false)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [END_TOKEN, v.endId],
      cls: [START_TOKEN, v.startId],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: END_TOKEN,
      continuing_subword_prefix: '',
      end_of_word_suffix: SUFFIX,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(v.vocab),
      merges: v.merges,
    },
  };
}

/** tokenizer_config.json and special_tokens_map.json as transformers saves them for CLIP. */
export function toyTokenizerConfigs(contextLength: number): {
  config: object;
  specialTokens: object;
} {
  const specialTokens = {
    bos_token: START_TOKEN,
    eos_token: END_TOKEN,
    pad_token: END_TOKEN,
    unk_token: END_TOKEN,
  };
  const config = {
    add_prefix_space: false,
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    errors: 'replace',
    model_max_length: contextLength,
    tokenizer_class: 'CLIPTokenizer',
    ...specialTokens,
  };
  return { config, specialTokens };
}
