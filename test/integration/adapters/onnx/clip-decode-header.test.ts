/**
 * Issue 10, "nothing the image library prints escapes the structured log": an AVIF whose header
 * declares a side libvips cannot hold (found by the fuzz run: a bit flip turned a 64-pixel
 * height into 64 + 2^27) made GLib print CRITICAL lines straight to stderr before libheif
 * refused it. The declared sizes are now read first (src/lib/heif-header.ts) and such a file is
 * refused with PAYLOAD_TOO_LARGE before libvips sees it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../../../src/adapters/onnx/clip-decode';
import { ErrorCode } from '../../../../src/errors/app-error';
import { heifDeclaredSizes } from '../../../../src/lib/heif-header';
import { codeOf } from '../../../helpers/expect-code';

const MAX_PIXELS = 100_000_000;

async function avif(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#c33' } })
    .avif({ effort: 0 })
    .toBuffer();
}

/** The AVIF with every `ispe` height (the 4 bytes 12 past the box type) set to `height`. */
function declaring(bytes: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(bytes);
  let count = 0;
  for (let at = out.indexOf('ispe'); at >= 0; at = out.indexOf('ispe', at + 4)) {
    out.writeUInt32BE(width, at + 8);
    out.writeUInt32BE(height, at + 12);
    count += 1;
  }
  expect(count).toBeGreaterThan(0);
  return out;
}

describe('sizes an AVIF declares', () => {
  it('reads the ispe sizes of a real AVIF, and nothing from other or broken bytes', async () => {
    expect(heifDeclaredSizes(await avif(64, 48))).toContainEqual({ width: 64, height: 48 });
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    expect(heifDeclaredSizes(jpeg)).toEqual([]);
    const real = await avif(64, 48);
    for (let cut = 0; cut < real.length; cut += 7) {
      expect(() => heifDeclaredSizes(real.subarray(0, cut))).not.toThrow();
    }
  });

  it('walks at most 4,096 boxes per level: a header of tiny boxes costs little', () => {
    const box = (type: string, payload: Buffer = Buffer.alloc(0)): Buffer => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(8 + payload.length, 0);
      head.write(type, 4, 'latin1');
      return Buffer.concat([head, payload]);
    };
    const ispe = Buffer.alloc(12);
    ispe.writeUInt32BE(640, 4);
    ispe.writeUInt32BE(480, 8);
    const meta = box(
      'meta',
      Buffer.concat([Buffer.alloc(4), box('iprp', box('ipco', box('ispe', ispe)))]),
    );
    const file = (padding: number): Buffer =>
      Buffer.concat([
        box('ftyp', Buffer.from('avif\0\0\0\0', 'latin1')),
        ...Array.from({ length: padding }, () => box('free')),
        meta,
      ]);
    expect(heifDeclaredSizes(file(100))).toEqual([{ width: 640, height: 480 }]);
    // meta past the cap is never reached: the walk stops instead of reading every box.
    expect(heifDeclaredSizes(file(5000))).toEqual([]);
  });

  it('refuses a declared side past libvips limit, or pixels past the limit, as PAYLOAD_TOO_LARGE', async () => {
    const real = await avif(64, 64);
    for (const [width, height] of [
      [64, 64 + 2 ** 27],
      [20_000, 20_000],
    ] as const) {
      expect(await codeOf(decodeImage(declaring(real, width, height), MAX_PIXELS))).toBe(
        ErrorCode.PAYLOAD_TOO_LARGE,
      );
    }
    // A size within the limits still decodes (the header walk does not refuse real photos).
    expect((await decodeImage(real, MAX_PIXELS)).width).toBe(64);
  });

  it('prints nothing on stderr while refusing it (GLib writes there directly)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'heif-header-'));
    try {
      const file = path.join(dir, 'flipped.avif');
      await writeFile(file, declaring(await avif(64, 64), 64, 64 + 2 ** 27));
      const script = `
        const { readFileSync } = require('node:fs');
        const { decodeImage } = require(${JSON.stringify(path.resolve('src/adapters/onnx/clip-decode.ts'))});
        decodeImage(readFileSync(process.argv[1]), ${MAX_PIXELS}).then(
          () => process.stdout.write('decoded'),
          (error) => process.stdout.write(error.code ?? error.message),
        );`;
      const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>(
        (resolve, reject) => {
          execFile(
            process.execPath,
            ['--require', 'tsx/cjs', '-e', script, file],
            (error, out, err) => (error ? reject(error) : resolve({ stdout: out, stderr: err })),
          );
        },
      );
      expect({ stdout, stderr }).toEqual({ stdout: ErrorCode.PAYLOAD_TOO_LARGE, stderr: '' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
