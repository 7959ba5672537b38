import { createCipheriv } from 'node:crypto';
import { pilResizeCrop, sourceBox } from '../../../../src/adapters/onnx/clip-resample';
import type { PilFilter, ResampleWindow } from '../../../../src/adapters/onnx/clip-resample';

/*
 * The WebAssembly resampler against a plain transcription of Pillow 13's ImagingResample for
 * 8-bit RGB (src/libImaging/Resample.c: precompute_coeffs, normalize_coeffs_8bpc, the two
 * passes over the whole image, vertical first when the height shrinks by more than twice as
 * many pixels as the width), then PIL's crop. Written without the module's helpers, so the
 * coefficient tables, the crop window, the decoded box, the pass order and the SIMD arithmetic
 * are all checked. test/integration/.../clip-preprocess-reference.test.ts compares with Pillow
 * itself on generated photos.
 */

const FILTERS: Record<PilFilter, { support: number; f: (x: number) => number }> = {
  bicubic: {
    support: 2,
    f: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  bilinear: { support: 1, f: (x) => Math.max(0, 1 - Math.abs(x)) },
};

interface Taps {
  readonly xmin: number[];
  readonly weights: number[][];
}

function taps(inSize: number, outSize: number, filter: PilFilter): Taps {
  const { support: s, f } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = s * filterscale;
  const xmin: number[] = [];
  const weights: number[][] = [];
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    const k: number[] = [];
    for (let x = lo; x < hi; x++) k.push(f((x - center + 0.5) * (1 / filterscale)));
    const ww = k.reduce((a, b) => a + b, 0);
    xmin.push(lo);
    weights.push(
      k.map((w) => {
        const v = (ww !== 0 ? w / ww : w) * 2 ** 22;
        return Math.trunc(v < 0 ? v - 0.5 : v + 0.5);
      }),
    );
  }
  return { xmin, weights };
}

function clip8(sum: number): number {
  return Math.min(255, Math.max(0, Math.floor(sum / 2 ** 22)));
}

interface Image {
  readonly w: number;
  readonly h: number;
  readonly px: Uint8Array;
}

function horizontalPass(im: Image, outW: number, filter: PilFilter): Image {
  const t = taps(im.w, outW, filter);
  const px = new Uint8Array(outW * im.h * 3);
  for (let y = 0; y < im.h; y++) {
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 2 ** 21;
        (t.weights[x] as number[]).forEach((w, i) => {
          sum += (im.px[(y * im.w + (t.xmin[x] as number) + i) * 3 + c] as number) * w;
        });
        px[(y * outW + x) * 3 + c] = clip8(sum);
      }
    }
  }
  return { w: outW, h: im.h, px };
}

function verticalPass(im: Image, outH: number, filter: PilFilter): Image {
  const t = taps(im.h, outH, filter);
  const px = new Uint8Array(im.w * outH * 3);
  for (let y = 0; y < outH; y++) {
    for (let i = 0; i < im.w * 3; i++) {
      let sum = 2 ** 21;
      (t.weights[y] as number[]).forEach((w, k) => {
        sum += (im.px[((t.xmin[y] as number) + k) * im.w * 3 + i] as number) * w;
      });
      px[y * im.w * 3 + i] = clip8(sum);
    }
  }
  return { w: im.w, h: outH, px };
}

function pillowResize(im: Image, outW: number, outH: number, filter: PilFilter): Image {
  const h = (x: Image) => (outW !== im.w ? horizontalPass(x, outW, filter) : x);
  const v = (x: Image) => (outH !== im.h ? verticalPass(x, outH, filter) : x);
  const verticalFirst = im.h - outH > 0 && im.h - outH > (im.w - outW) * 2;
  return verticalFirst ? h(v(im)) : v(h(im));
}

function crop(im: Image, left: number, top: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const start = ((top + y) * im.w + left) * 3;
    out.set(im.px.subarray(start, start + w * 3), y * w * 3);
  }
  return out;
}

/**
 * Noise with sharp edges (a quarter of the bytes 255): every rounding difference shows.
 * AES-CTR over zeros is a seeded generator that runs natively (element loops are slow here).
 */
function noise(w: number, h: number, seed: number): Image {
  const key = Buffer.alloc(16, seed);
  const px = createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(w * h * 3));
  for (let i = 0; i < px.length; i += 4) px[i] = 255;
  return { w, h, px: new Uint8Array(px.buffer, px.byteOffset, px.length) };
}

/** Byte equality, compared natively; the failure names the first differing byte. */
function firstDifference(a: Uint8Array, b: Uint8Array): number | undefined {
  if (Buffer.compare(a, b) === 0) return undefined;
  if (a.length !== b.length) return -1;
  return a.findIndex((x, i) => x !== b[i]);
}

interface Case {
  readonly in: [number, number];
  readonly out: [number, number];
  readonly crop: [number, number, number, number];
  readonly filter: PilFilter;
}

const CASES: Case[] = [
  { in: [300, 230], out: [208, 160], crop: [24, 0, 160, 160], filter: 'bicubic' },
  { in: [230, 300], out: [160, 208], crop: [0, 24, 160, 160], filter: 'bicubic' },
  { in: [1000, 750], out: [29, 22], crop: [3, 0, 22, 22], filter: 'bicubic' },
  { in: [97, 61], out: [7, 5], crop: [0, 0, 7, 5], filter: 'bicubic' },
  { in: [64, 48], out: [90, 67], crop: [10, 3, 67, 61], filter: 'bicubic' },
  { in: [5, 3], out: [37, 22], crop: [7, 0, 22, 22], filter: 'bicubic' },
  { in: [1, 1], out: [9, 9], crop: [0, 0, 9, 9], filter: 'bicubic' },
  { in: [230, 1200], out: [40, 208], crop: [0, 84, 40, 40], filter: 'bicubic' },
  { in: [40, 120], out: [39, 117], crop: [0, 0, 39, 117], filter: 'bicubic' },
  { in: [120, 40], out: [117, 39], crop: [0, 0, 117, 39], filter: 'bicubic' },
  { in: [80, 60], out: [80, 45], crop: [17, 0, 45, 45], filter: 'bicubic' },
  { in: [60, 80], out: [45, 80], crop: [0, 17, 45, 45], filter: 'bicubic' },
  { in: [50, 50], out: [50, 50], crop: [5, 5, 40, 40], filter: 'bicubic' },
  { in: [33, 90], out: [20, 54], crop: [0, 17, 20, 20], filter: 'bilinear' },
  { in: [90, 33], out: [150, 55], crop: [47, 0, 55, 55], filter: 'bilinear' },
  { in: [640, 30], out: [448, 21], crop: [213, 0, 21, 21], filter: 'bicubic' },
];

describe("pilResizeCrop: PIL's resize then crop", () => {
  it.each(CASES.map((c) => [`${c.in.join('x')} -> ${c.out.join('x')} ${c.filter}`, c] as const))(
    '%s',
    async (_name, c) => {
      const im = noise(c.in[0], c.in[1], c.in[0] * 31 + c.in[1]);
      const [left, top, cropWidth, cropHeight] = c.crop;
      const expected = crop(pillowResize(im, c.out[0], c.out[1], c.filter), ...c.crop);
      const win: ResampleWindow = {
        width: c.out[0],
        height: c.out[1],
        left,
        top,
        cropWidth,
        cropHeight,
      };
      expect(firstDifference(await pilResizeCrop(im.px, im.w, im.h, win, c.filter), expected)).toBe(
        undefined,
      );
      // From only the part the crop reads, as the decoder hands it over.
      const box = sourceBox(im.w, im.h, win, c.filter);
      const part = crop(im, box.left, box.top, box.width, box.height);
      const fromBox = await pilResizeCrop(part, im.w, im.h, win, c.filter, box);
      expect(firstDifference(fromBox, expected)).toBe(undefined);
    },
  );

  it('gives each of several resamples in flight at once its own pixels', async () => {
    // Large enough to pause midway (every few ms), so the calls would overlap if they could.
    const jobs = [
      { im: noise(1500, 1100, 7), win: { width: 305, height: 224, left: 40, top: 0 } },
      { im: noise(900, 1400, 8), win: { width: 224, height: 348, left: 0, top: 62 } },
      { im: noise(60, 40, 9), win: { width: 336, height: 224, left: 56, top: 0 } },
    ].map(({ im, win }) => ({ im, win: { ...win, cropWidth: 224, cropHeight: 224 } }));
    const alone: Uint8Array[] = [];
    for (const j of jobs)
      alone.push(await pilResizeCrop(j.im.px, j.im.w, j.im.h, j.win, 'bicubic'));
    const together = await Promise.all(
      jobs.map((j) => pilResizeCrop(j.im.px, j.im.w, j.im.h, j.win, 'bicubic')),
    );
    together.forEach((out, i) => expect(firstDifference(out, alone[i]!)).toBe(undefined));
    expect(firstDifference(alone[0]!, alone[1]!)).toBeDefined();
  });

  it('reads only a small box of a large reduction', () => {
    const win = { width: 298, height: 224, left: 37, top: 0, cropWidth: 224, cropHeight: 224 };
    const box = sourceBox(4000, 3000, win, 'bicubic');
    expect(box.top).toBe(0);
    expect(box.height).toBe(3000);
    expect(box.left).toBeGreaterThan(450);
    expect(box.left + box.width).toBeLessThan(3550);
  });

  it('refuses pixels that do not cover what the crop reads', async () => {
    const im = noise(100, 80, 1);
    const win = { width: 50, height: 40, left: 5, top: 0, cropWidth: 40, cropHeight: 40 };
    const box = sourceBox(100, 80, win, 'bicubic');
    const short = { ...box, width: box.width - 1 };
    const part = crop(im, short.left, short.top, short.width, short.height);
    await expect(pilResizeCrop(part, 100, 80, win, 'bicubic', short)).rejects.toThrow(RangeError);
    await expect(pilResizeCrop(im.px.subarray(3), 100, 80, win, 'bicubic')).rejects.toThrow(
      RangeError,
    );
  });
});
