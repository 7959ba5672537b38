/**
 * CLIP text tokenisation from a model folder's HF-format tokenizer.json, giving the ids
 * OpenCLIP's own tokenizer gives: OpenCLIP's cleaning first (clip-text-clean.ts: ftfy,
 * HTML unescaping, Python's whitespace rules, lower-case), then the tokenizer (CLIP's
 * normaliser, now a no-op, pre-token regex, byte-level BPE with `</w>`, start/end tokens),
 * truncated to the context length keeping the end token last, padded to the context length.
 *
 * Special-token text in user input (`<|endoftext|>`, `<|startoftext|>`, any case) is plain
 * characters, as in OpenCLIP, whose vocabulary names those tokens `<start_of_text>` and
 * `<end_of_text>`: the tokenizer is built without tokenizer.json's special added tokens, so only the
 * post-processor puts the start and end ids in. OpenCLIP's own pre-token regex does match its
 * `<start_of_text>`/`<end_of_text>` spellings in user text; we deliberately do not (a query
 * must not be able to end the text early), the one place we differ from the reference.
 *
 * Padding: Immich pads with tokenizer_config.json's pad_token (`<|endoftext|>` = 49407 in
 * OpenAI's CLIP files); OpenCLIP's own tokenizer pads with 0. A CLIP text tower reads the
 * features at the first end token (argmax of the ids) behind a causal mask, so both give the
 * same vector; we follow the model folder (Immich) and fall back to 0 (OpenCLIP) without one.
 */
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelUnavailableError } from '../../errors/app-error';
import { openClipClean } from './clip-text-clean';

export interface ClipTokenizerOptions {
  /** Sequence length the text tower expects (config.json text_cfg.context_length, 77 for CLIP). */
  readonly contextLength: number;
  /** Pad token (tokenizer_config.json pad_token); id 0 when undefined. */
  readonly padToken?: string | undefined;
  /** OpenCLIP's `clean: canonicalize`: also drop ASCII punctuation (and '_'). */
  readonly canonicalize?: boolean;
}

/** OpenCLIP's text cleaning (see clip-text-clean.ts), applied before the tokenizer. */
export function cleanText(text: string, canonicalize = false): string {
  return openClipClean(text, canonicalize);
}

/** tokenizer.json without its special added tokens: their text in input stays plain text. */
function withoutSpecialTokens(json: unknown): object {
  if (json === null || typeof json !== 'object') return json as object;
  const { added_tokens: added } = json as { added_tokens?: unknown };
  const kept = Array.isArray(added)
    ? added.filter((token) => (token as { special?: unknown } | null)?.special !== true)
    : added;
  return { ...(json as Record<string, unknown>), added_tokens: kept ?? [] };
}

export class ClipTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly contextLength: number,
    readonly padId: number,
    private readonly canonicalize: boolean,
  ) {}

  /** Builds a tokenizer from the parsed JSON of a tokenizer.json. */
  static fromJson(
    json: unknown,
    options: ClipTokenizerOptions,
    file = 'tokenizer.json',
  ): ClipTokenizer {
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(withoutSpecialTokens(json), {});
    } catch (cause) {
      throw new ModelUnavailableError(`cannot load ${file}`, { file }, { cause });
    }
    let padId = 0;
    if (options.padToken !== undefined) {
      const id = tokenizer.token_to_id(options.padToken);
      if (id === undefined) {
        throw new ModelUnavailableError(`pad token ${options.padToken} is not in ${file}`, {
          file,
          padToken: options.padToken,
        });
      }
      padId = id;
    }
    return new ClipTokenizer(
      tokenizer,
      options.contextLength,
      padId,
      options.canonicalize ?? false,
    );
  }

  static async fromFile(file: string, options: ClipTokenizerOptions): Promise<ClipTokenizer> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8')) as unknown;
    } catch (cause) {
      throw new ModelUnavailableError(`cannot read ${file}`, { file }, { cause });
    }
    return ClipTokenizer.fromJson(json, options, file);
  }

  /** Token ids with start/end tokens, before truncation and padding. */
  encodeRaw(text: string): number[] {
    return this.tokenizer.encode(cleanText(text, this.canonicalize)).ids;
  }

  /** Exactly `contextLength` ids: truncated with the end token kept last, then padded. */
  encode(text: string): Int32Array {
    const ids = this.encodeRaw(text);
    const out = new Int32Array(this.contextLength).fill(this.padId);
    if (ids.length > this.contextLength) {
      out.set(ids.slice(0, this.contextLength - 1));
      out[this.contextLength - 1] = ids[ids.length - 1] as number;
    } else {
      out.set(ids);
    }
    return out;
  }

  /** Row-major [texts.length, contextLength] ids, ready for one batched run. */
  encodeBatch(texts: readonly string[]): Int32Array {
    const out = new Int32Array(texts.length * this.contextLength);
    texts.forEach((text, i) => out.set(this.encode(text), i * this.contextLength));
    return out;
  }
}
