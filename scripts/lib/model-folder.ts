import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** OpenAI CLIP's image normalisation, which OpenCLIP's ViT-B-32 exports keep. */
export const OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const OPENAI_STD = [0.26862954, 0.26130258, 0.27577711];

/** Pretty JSON with a trailing newline, as the generated model folders store it. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `visual/preprocess_cfg.json` as OpenCLIP exports it for a square input of `size`. */
export function openClipPreprocessCfg(size: number): string {
  return json({
    size,
    mode: 'RGB',
    mean: OPENAI_MEAN,
    std: OPENAI_STD,
    interpolation: 'bicubic',
    resize_mode: 'shortest',
    fill_color: 0,
  });
}

/** Writes `files` (paths relative to `dir`), creating sub-folders as needed. */
export async function writeModelFiles(
  dir: string,
  files: Readonly<Record<string, string | Uint8Array>>,
): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}
