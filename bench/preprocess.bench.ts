/**
 * What preprocessing one photo costs (decode, orient, resize, centre crop to 8-bit RGB: the
 * part that changed; the normalisation after it is the same table lookup on both paths),
 * today's path against the exact PIL path, in one process, interleaved:
 *
 * - today: bench/preprocess/baseline-preprocess.ts, the path before PIL's resampler did the
 *   reductions (libvips cubic, JPEG shrink-on-load when the reduction allows it; enlargements
 *   through the JavaScript port of PIL's resampler);
 * - exact: src/adapters/onnx/clip-preprocess.ts (PIL's resampler in WebAssembly SIMD for
 *   both, only the crop computed, the photo decoded at full size as PIL decodes it).
 *
 * Per group of photos, R rounds; in each round both paths run the group's photos one after
 * another (order alternating between rounds), timed by the wall clock and by the process's
 * CPU time (which counts libvips' worker threads too). Ratios are exact / today, from the sums
 * over all rounds. Then photos/s with 4 photos in flight (the service's preprocessing
 * concurrency) on the realistic photos, again interleaved.
 *
 * Run: npx tsx bench/preprocess.bench.ts [--rounds 5] [--seconds 1]
 * (needs tuxpaint-data for the realistic photos: apt-get install -y tuxpaint-data)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { preprocessPixels } from '../src/adapters/onnx/clip-preprocess';
import type { PreprocessConfig } from '../src/adapters/onnx/model-config';
import { preprocessPixels as baselinePixels } from './preprocess/baseline-preprocess';
import type { BenchPhoto } from './preprocess/photos';
import { fixtureCorpus, realisticPhotos } from './preprocess/photos';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? Number(process.argv[at + 1]) : fallback;
}
const ROUNDS = arg('rounds', 5);
const SECONDS = arg('seconds', 1);
const MAX_PIXELS = 1e8;
const IN_FLIGHT = 4;

type Pixels = (bytes: Uint8Array, cfg: PreprocessConfig, max: number) => Promise<unknown>;
const PATHS: Record<'today' | 'exact', Pixels> = { today: baselinePixels, exact: preprocessPixels };
type PathName = keyof typeof PATHS;

function config(size: number): PreprocessConfig {
  return {
    size,
    mean: [0, 0, 0],
    std: [1, 1, 1],
    interpolation: 'bicubic',
    resizeMode: 'shortest',
  };
}

interface Group {
  readonly name: string;
  readonly photos: readonly BenchPhoto[];
}

interface Totals {
  photos: number;
  wallMs: number;
  cpuMs: number;
}

async function runOnce(pixels: Pixels, photos: readonly BenchPhoto[]): Promise<void> {
  for (const p of photos) await pixels(p.bytes, config(p.size), MAX_PIXELS);
}

async function timed(pixels: Pixels, photos: readonly BenchPhoto[], passes: number) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < passes; i++) await runOnce(pixels, photos);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { photos: passes * photos.length, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function serial(group: Group): Promise<Record<PathName, Totals>> {
  const totals = {
    today: { photos: 0, wallMs: 0, cpuMs: 0 },
    exact: { photos: 0, wallMs: 0, cpuMs: 0 },
  };
  // Warm-up, and the number of passes that takes about SECONDS per path and round.
  await runOnce(PATHS.today, group.photos);
  await runOnce(PATHS.exact, group.photos);
  const probe = await timed(PATHS.today, group.photos, 1);
  const passes = Math.max(1, Math.round((SECONDS * 1000) / Math.max(probe.wallMs, 1)));
  for (let round = 0; round < ROUNDS; round++) {
    const order: PathName[] = round % 2 === 0 ? ['today', 'exact'] : ['exact', 'today'];
    for (const name of order) {
      const t = await timed(PATHS[name], group.photos, passes);
      totals[name].photos += t.photos;
      totals[name].wallMs += t.wallMs;
      totals[name].cpuMs += t.cpuMs;
    }
  }
  return totals;
}

/** Photos per second with IN_FLIGHT photos always in flight. */
async function throughput(pixels: Pixels, photo: BenchPhoto, count: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < count) {
      next++;
      await pixels(photo.bytes, config(photo.size), MAX_PIXELS);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return count / ((performance.now() - t0) / 1000);
}

const fmt = (v: number, digits = 2) => v.toFixed(digits);
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const fixtures = fixtureCorpus();
  const enlarging = /^(small|tiny|very-wide)/;
  const realistic = await realisticPhotos();
  const reductions = fixtures.filter((p) => !enlarging.test(p.name));
  const enlargements = fixtures.filter((p) => enlarging.test(p.name));
  const groups: Group[] = [
    { name: `fixtures: ${reductions.length} reductions`, photos: reductions },
    { name: `fixtures: ${enlargements.length} enlargements`, photos: enlargements },
    ...realistic.map((p) => ({ name: p.name, photos: [p] })),
  ];
  const rows: Record<string, unknown>[] = [];
  say(`rounds ${ROUNDS}, ~${SECONDS} s per path and round; ms per photo`);
  say(
    '| photos | today wall | exact wall | ratio | today CPU | exact CPU | ratio |\n' +
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const group of groups) {
    const t = await serial(group);
    const per = (x: Totals, k: 'wallMs' | 'cpuMs') => x[k] / x.photos;
    const row = {
      group: group.name,
      todayWallMs: per(t.today, 'wallMs'),
      exactWallMs: per(t.exact, 'wallMs'),
      todayCpuMs: per(t.today, 'cpuMs'),
      exactCpuMs: per(t.exact, 'cpuMs'),
    };
    rows.push(row);
    say(
      `| ${group.name} | ${fmt(row.todayWallMs)} | ${fmt(row.exactWallMs)} | ` +
        `${fmt(row.exactWallMs / row.todayWallMs)} | ${fmt(row.todayCpuMs)} | ` +
        `${fmt(row.exactCpuMs)} | ${fmt(row.exactCpuMs / row.todayCpuMs)} |`,
    );
  }
  say(`\nphotos/s with ${IN_FLIGHT} in flight (interleaved rounds)`);
  say('| photo | today | exact | ratio |\n| --- | ---: | ---: | ---: |');
  for (const photo of realistic) {
    const count = photo.name.includes('3000') ? 16 : 64;
    const rate = { today: 0, exact: 0 };
    await throughput(PATHS.exact, photo, IN_FLIGHT);
    for (let round = 0; round < ROUNDS; round++) {
      const order: PathName[] = round % 2 === 0 ? ['today', 'exact'] : ['exact', 'today'];
      for (const name of order)
        rate[name] += (await throughput(PATHS[name], photo, count)) / ROUNDS;
    }
    rows.push({
      photo: photo.name,
      inFlight: IN_FLIGHT,
      todayPerS: rate.today,
      exactPerS: rate.exact,
    });
    say(
      `| ${photo.name} | ${fmt(rate.today, 1)} | ${fmt(rate.exact, 1)} | ` +
        `${fmt(rate.exact / rate.today)} |`,
    );
  }
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `preprocess-${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(file, JSON.stringify({ rounds: ROUNDS, seconds: SECONDS, rows }, null, 2));
  say(`\nwritten ${file}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
