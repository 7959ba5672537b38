/**
 * Process RSS of the ONNX embedder with both ViT-B/32 towers loaded, then after one batch of
 * 16 and one of 32 per tower. Run: `npx tsx bench/inference-rss.bench.ts [MODEL_DIR]`
 * (default: the benchmark model, `npm run models:bench -- --out .cache/bench-model/clip-vit-b-32-random`;
 * photos from Debian's tuxpaint-stamps-default).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { OnnxEmbedder } from '../src/adapters/onnx/onnx-embedder';
import { loadConfig } from '../src/config/load-config';

const STAMPS = '/usr/share/tuxpaint/stamps/animals/birds';
const mib = () => Math.round(process.memoryUsage().rss / 2 ** 20);

async function main(): Promise<void> {
  const modelDir = process.argv[2] ?? '.cache/bench-model/clip-vit-b-32-random';
  const photos = readdirSync(STAMPS)
    .filter((f) => f.endsWith('.png'))
    .slice(0, 16)
    .map((f) => readFileSync(path.join(STAMPS, f)));
  const texts = (n: number) => Array.from({ length: n }, (_, i) => `a photo of product ${i}`);
  // The service's own settings (MAX_IMAGE_PIXELS, ORT_*), so the RSS is the service's.
  const { maxImagePixels, ort } = loadConfig(process.env).inference;
  const embedder = await OnnxEmbedder.load({ modelDir, maxInputPixels: maxImagePixels, ...ort });
  const rows: Array<[string, number]> = [['both towers loaded', mib()]];
  await embedder.embedImages(photos);
  await embedder.embedTexts(texts(16));
  rows.push(['after a batch of 16 per tower', mib()]);
  await embedder.embedImages([...photos, ...photos]);
  await embedder.embedTexts(texts(32));
  rows.push(['after a batch of 32 per tower', mib()]);
  await embedder.close();
  for (const [label, value] of rows) process.stdout.write(`${label}: ${value} MiB RSS\n`);
}

void main();
