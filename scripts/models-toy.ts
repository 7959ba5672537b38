/**
 * Writes the toy "colour CLIP" model (see scripts/toy-model) into a folder.
 *   npm run models:toy -- --out models/toy-colour-clip
 */
import path from 'node:path';
import { Command } from 'commander';
import { generateToyModel, TOY_MODEL_VERSION } from './toy-model';

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('models:toy')
    .description('Generate the tiny deterministic "colour CLIP" ONNX model used by the tests')
    .requiredOption('-o, --out <dir>', 'output folder (Immich/OpenCLIP model layout)')
    .parse(argv);
  const { out } = program.opts<{ out: string }>();
  const outDir = path.resolve(out);
  await generateToyModel(outDir);
  process.stdout.write(`wrote ${TOY_MODEL_VERSION} to ${outDir}\n`);
}

main(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
