/**
 * CLIP text tokenisation from a model folder's HF-format tokenizer.json, the way Immich feeds
 * OpenCLIP text towers: collapse whitespace, run the tokenizer (CLIP's normaliser, pre-token
 * regex, byte-level BPE with `</w>`, start/end tokens), truncate to the context length keeping
 * the end token last, pad to the context length.
 *
 * Padding: Immich pads with tokenizer_config.json's pad_token (`<|endoftext|>` = 49407 in
 * OpenAI's CLIP files); OpenCLIP's own tokenizer pads with 0. A CLIP text tower reads the
 * features at the first end token (argmax of the ids) behind a causal mask, so both give the
 * same vector; we follow the model folder (Immich) and fall back to 0 (OpenCLIP) without one.
 */
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelUnavailableError } from '../../errors/app-error';

export interface ClipTokenizerOptions {
  /** Sequence length the text tower expects (config.json text_cfg.context_length, 77 for CLIP). */
  readonly contextLength: number;
  /** Pad token (tokenizer_config.json pad_token); id 0 when undefined. */
  readonly padToken?: string | undefined;
  /** Strip ASCII punctuation and lower-case first (Immich's `clean: canonicalize`). */
  readonly canonicalize?: boolean;
}

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** Immich's clean_text: whitespace runs become one space, ends trimmed. */
export function cleanText(text: string, canonicalize = false): string {
  const collapsed = text.split(/\s+/u).filter(Boolean).join(' ');
  return canonicalize ? collapsed.replace(PUNCTUATION, '').toLowerCase() : collapsed;
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
      tokenizer = new Tokenizer(json as object, {});
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
