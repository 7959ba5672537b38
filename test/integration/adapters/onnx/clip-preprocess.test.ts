import sharp from 'sharp';
import { decodeImage, isPlainRgb } from '../../../../src/adapters/onnx/clip-decode';
import {
  planResize,
  preprocessImage,
  resizeAndCrop,
  rgbToChw,
} from '../../../../src/adapters/onnx/clip-preprocess';
import type { PreprocessConfig } from '../../../../src/adapters/onnx/model-config';
import { ErrorCode } from '../../../../src/errors/app-error';
import { codeOf } from '../../../helpers/expect-code';

const OPENAI: PreprocessConfig = {
  size: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  interpolation: 'bicubic',
  resizeMode: 'shortest',
};
const PLANE = 224 * 224;

function at(tensor: Float32Array, c: number, y: number, x: number): number {
  return tensor[c * PLANE + y * 224 + x] as number;
}

async function png(
  rgb: Uint8Array,
  width: number,
  height: number,
  channels: 3 | 4 = 3,
): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels } }).png().toBuffer();
}

/** Same integer formulas as test_image() in scripts/reference/clip-preprocess-reference.py. */
function testImageRgb(width = 334, height = 240): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = Math.abs(((x * 4) % 510) - 255);
      rgb[i + 1] = Math.floor((y * 255) / (height - 1));
      rgb[i + 2] = Math.floor((((x - 167) ** 2 + (y - 120) ** 2) * 255) / (167 ** 2 + 120 ** 2));
    }
  }
  return rgb;
}

describe('planResize (torchvision Resize(size) + CenterCrop(size))', () => {
  it('truncates the long side and rounds the crop offset half to even', () => {
    // 224 * 334 / 240 = 311.7 -> 311; (311 - 224) / 2 = 43.5 -> 44 (Python round), not 43.
    expect(planResize(334, 240, 224, 'shortest')).toEqual({
      resizeWidth: 311,
      resizeHeight: 224,
      left: 44,
      top: 0,
    });
    // (309 - 224) / 2 = 42.5 -> 42 (half to even).
    expect(planResize(332, 240, 224, 'shortest')).toEqual({
      resizeWidth: 309,
      resizeHeight: 224,
      left: 42,
      top: 0,
    });
  });

  it('handles portrait, square and upscaled photos, and squash', () => {
    expect(planResize(100, 300, 224, 'shortest')).toEqual({
      resizeWidth: 224,
      resizeHeight: 672,
      left: 0,
      top: 224,
    });
    expect(planResize(50, 50, 224, 'shortest')).toEqual({
      resizeWidth: 224,
      resizeHeight: 224,
      left: 0,
      top: 0,
    });
    expect(planResize(640, 100, 224, 'squash')).toEqual({
      resizeWidth: 224,
      resizeHeight: 224,
      left: 0,
      top: 0,
    });
  });
});

describe('rgbToChw', () => {
  it('writes planes in R, G, B order and normalises by mean/std', () => {
    // A 2x2 image of alternating pixels (255, 0, 51) and (0, 255, 102).
    const pixels = [255, 0, 51, 0, 255, 102, 255, 0, 51, 0, 255, 102];
    const out = rgbToChw(new Uint8Array(pixels), 2, { mean: [0, 0, 0], std: [1, 1, 1] });
    expect(Array.from(out)).toEqual(
      [1, 0, 1, 0, 0, 1, 0, 1, 0.2, 0.4, 0.2, 0.4].map((v) => Math.fround(v)),
    );
  });
});

describe('preprocessImage', () => {
  it('normalises a flat colour exactly: (v / 255 - mean) / std in every pixel, CHW float32', async () => {
    const rgb = new Uint8Array(300 * 200 * 3);
    for (let i = 0; i < rgb.length; i += 3) rgb.set([200, 100, 50], i);
    const out = await preprocessImage(await png(rgb, 300, 200), OPENAI, 1e6);
    expect(out.tensor).toBeInstanceOf(Float32Array);
    expect(out.tensor).toHaveLength(3 * PLANE);
    expect(out).toMatchObject({ width: 300, height: 200, format: 'png' });
    const expected = [200, 100, 50].map(
      (v, c) => (v / 255 - (OPENAI.mean[c] as number)) / (OPENAI.std[c] as number),
    );
    for (let c = 0; c < 3; c++) {
      const plane = out.tensor.subarray(c * PLANE, (c + 1) * PLANE);
      expect(Math.min(...plane)).toBeCloseTo(expected[c] as number, 6);
      expect(Math.max(...plane)).toBeCloseTo(expected[c] as number, 6);
    }
  });

  /*
   * Expected values come from scripts/reference/clip-preprocess-reference.py (Pillow 13.0.0,
   * numpy 2.4.6, PIL BICUBIC resize to 311x224, crop at x=44), run on the same 334x240 image.
   * libvips' cubic reduce and PIL's BICUBIC are both Catmull-Rom with an antialiasing support;
   * on this image the 8-bit pixels came out identical (max diff 5e-6, the 5-decimal rounding),
   * but both round in fixed point, so we allow one 8-bit level: 1 / 255 / std ~ 0.016. A crop
   * one pixel off (43 instead of 44) misses by 0.073 and fails.
   */
  const REFERENCE_POINTS: Array<[number, number, number, number]> = [
    [0, 0, 0, -0.82877],
    [0, 5, 200, 1.52158],
    [0, 37, 50, 0.3829],
    [0, 80, 131, -1.60248],
    [0, 111, 112, -0.40541],
    [0, 150, 17, -1.69007],
    [0, 199, 223, 0.07634],
    [0, 223, 90, 0.96684],
    [1, 0, 0, -1.7521],
    [1, 5, 200, -1.67706],
    [1, 37, 50, -1.12177],
    [1, 80, 131, -0.38639],
    [1, 111, 112, 0.13888],
    [1, 150, 17, 0.81423],
    [1, 199, 223, 1.65467],
    [1, 223, 90, 2.07488],
    [2, 0, 0, 0.97985],
    [2, 5, 200, 0.41105],
    [2, 37, 50, -0.57014],
    [2, 80, 131, -1.35224],
    [2, 111, 112, -1.48022],
    [2, 150, 17, -0.4706],
    [2, 199, 223, 0.48215],
    [2, 223, 90, -0.22885],
  ];
  const REFERENCE_CHANNEL_MEANS = [0.09576, 0.15396, -0.6622];
  const TOLERANCE = 0.016;

  it('matches the OpenCLIP reference (PIL bicubic) on a gradient image', async () => {
    const out = await preprocessImage(await png(testImageRgb(), 334, 240), OPENAI, 1e6);
    for (const [c, y, x, value] of REFERENCE_POINTS) {
      expect({ c, y, x, diff: Math.abs(at(out.tensor, c, y, x) - value) <= TOLERANCE }).toEqual({
        c,
        y,
        x,
        diff: true,
      });
    }
    REFERENCE_CHANNEL_MEANS.forEach((mean, c) => {
      const plane = out.tensor.subarray(c * PLANE, (c + 1) * PLANE);
      expect(Math.abs(plane.reduce((a, b) => a + b, 0) / PLANE - mean)).toBeLessThan(0.005);
    });
  });

  it('applies EXIF orientation before resizing', async () => {
    // Left half red, right half blue, stored with orientation 6 (display rotated 90° clockwise).
    const rgb = new Uint8Array(200 * 100 * 3);
    for (let i = 0; i < 200 * 100; i++) rgb.set(i % 200 < 100 ? [255, 0, 0] : [0, 0, 255], i * 3);
    const bytes = await sharp(rgb, { raw: { width: 200, height: 100, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .png()
      .toBuffer();
    const out = await preprocessImage(bytes, { ...OPENAI, resizeMode: 'squash' }, 1e6);
    expect({ width: out.width, height: out.height }).toEqual({ width: 100, height: 200 });
    // After a clockwise turn the red (left) half is on top.
    expect(at(out.tensor, 0, 10, 112)).toBeGreaterThan(1.5);
    expect(at(out.tensor, 2, 10, 112)).toBeLessThan(-1);
    expect(at(out.tensor, 2, 210, 112)).toBeGreaterThan(1.5);
  });

  it('drops alpha like PIL convert("RGB"): the stored colour of transparent pixels is kept', async () => {
    const rgba = new Uint8Array(64 * 64 * 4);
    for (let i = 0; i < 64 * 64; i++) rgba.set([0, 200, 0, 0], i * 4);
    const out = await preprocessImage(await png(rgba, 64, 64, 4), OPENAI, 1e6);
    expect(at(out.tensor, 1, 100, 100)).toBeCloseTo(
      (200 / 255 - OPENAI.mean[1]) / OPENAI.std[1],
      5,
    );
  });

  it('turns greyscale into three equal channels', async () => {
    const grey = await sharp(Buffer.alloc(40 * 30, 90), {
      raw: { width: 40, height: 30, channels: 1 },
    })
      .png()
      .toBuffer();
    const decoded = await decodeImage(grey, 1e6);
    expect(decoded.rgb).toHaveLength(40 * 30 * 3);
    expect(Array.from(decoded.rgb.subarray(0, 6))).toEqual([90, 90, 90, 90, 90, 90]);
  });
});

describe('one pipeline for plain 8-bit photos', () => {
  /** The two-pass path every photo used to take: decode to RGB, then resize and crop. */
  async function twoPass(bytes: Uint8Array): Promise<Float32Array> {
    return rgbToChw(await resizeAndCrop(await decodeImage(bytes, 1e7), OPENAI), 224, OPENAI);
  }

  const gradient = () => sharp(testImageRgb(), { raw: { width: 334, height: 240, channels: 3 } });
  const cases: Array<[string, () => Promise<Buffer>]> = [
    ['a JPEG reduced from 900x700', () => gradient().resize(900, 700).jpeg().toBuffer()],
    ['a grey JPEG', () => gradient().resize(500, 400).greyscale().jpeg().toBuffer()],
    [
      'an EXIF-rotated JPEG with a Display P3 profile',
      () =>
        gradient()
          .resize(640, 480)
          .withMetadata({ orientation: 6 })
          .withIccProfile('p3')
          .jpeg()
          .toBuffer(),
    ],
    ['a 28x28 PNG enlarged', () => gradient().resize(28, 28).png().toBuffer()],
  ];

  it.each(cases)('gives exactly the pixels of decode-then-resize for %s', async (_name, make) => {
    const bytes = await make();
    expect(isPlainRgb(await sharp(bytes).metadata())).toBe(true);
    const expected = await twoPass(bytes);
    const { tensor } = await preprocessImage(bytes, OPENAI, 1e7);
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs((tensor[i] as number) - (expected[i] as number)));
    expect(maxDiff).toBe(0);
  });

  it('keeps photos with alpha or 16 bits on the two-pass path', async () => {
    const rgba = await png(new Uint8Array(8 * 8 * 4), 8, 8, 4);
    const deep = await gradient().png().toColourspace('rgb16').toBuffer();
    expect(isPlainRgb(await sharp(rgba).metadata())).toBe(false);
    expect(isPlainRgb(await sharp(deep).metadata())).toBe(false);
  });
});

describe('decodeImage errors', () => {
  it('refuses bytes that are not an image, and svg', async () => {
    expect(await codeOf(decodeImage(Buffer.from('definitely not an image'), 1e6))).toBe(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    );
    expect(await codeOf(decodeImage(new Uint8Array(0), 1e6))).toBe(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    );
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>');
    expect(await codeOf(decodeImage(svg, 1e6))).toBe(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  });

  it.each(['jpeg', 'png'] as const)('reports a truncated %s as IMAGE_CORRUPT', async (format) => {
    const whole = await sharp(testImageRgb(), { raw: { width: 334, height: 240, channels: 3 } })
      .toFormat(format)
      .toBuffer();
    await expect(decodeImage(whole, 1e6)).resolves.toMatchObject({
      width: 334,
      height: 240,
      format,
    });
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    const corrupt = { code: ErrorCode.BAD_USER_INPUT, details: { reason: 'IMAGE_CORRUPT' } };
    await expect(decodeImage(truncated, 1e6)).rejects.toMatchObject(corrupt);
    // The one-pipeline path (plain RGB) reports it the same way.
    await expect(preprocessImage(truncated, OPENAI, 1e6)).rejects.toMatchObject(corrupt);
  });

  it('refuses photos over the pixel limit before decoding them', async () => {
    const bytes = await png(testImageRgb(), 334, 240);
    await expect(decodeImage(bytes, 334 * 240 - 1)).rejects.toMatchObject({
      code: ErrorCode.PAYLOAD_TOO_LARGE,
    });
    await expect(decodeImage(bytes, 334 * 240)).resolves.toMatchObject({ width: 334 });
    await expect(preprocessImage(bytes, OPENAI, 334 * 240 - 1)).rejects.toMatchObject({
      code: ErrorCode.PAYLOAD_TOO_LARGE,
    });
  });
});
