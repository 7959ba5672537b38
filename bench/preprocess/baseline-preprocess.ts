/**
 * The preprocessing path as it was before reductions moved to PIL's resampler (commit 2c088b1,
 * src/adapters/onnx/clip-preprocess.ts), kept here only as the benchmark's baseline: plain
 * photos decoded, reduced (libvips cubic, JPEG shrink-on-load when the reduction allows it)
 * and cropped in one sharp pipeline; enlargements through the JavaScript port of PIL's
 * resampler (baseline-js-resample.ts). Where the pixels go (planResize) is unchanged and comes
 * from src. Not used by the service.
 */
import sharp from 'sharp';
import type { KernelEnum, Metadata } from 'sharp';
import type { DecodedImage } from '../../src/adapters/onnx/clip-decode';
import {
  checkRgb,
  decodeRgb,
  guarded,
  inspect,
  isPlainRgb,
  sharpOptions,
} from '../../src/adapters/onnx/clip-decode';
import { planResize } from '../../src/adapters/onnx/clip-preprocess';
import type { Interpolation, PreprocessConfig } from '../../src/adapters/onnx/model-config';
import { pilResizeCrop, PIL_FILTERS } from './baseline-js-resample';
import type { PilFilter } from './baseline-js-resample';

const KERNELS: Record<Interpolation, keyof KernelEnum> = {
  bicubic: 'cubic',
  bilinear: 'linear',
  nearest: 'nearest',
  lanczos: 'lanczos3',
};

/** Decode, orient, resize, crop and convert to 8-bit RGB in one sharp pipeline. */
async function resizeInOnePass(
  bytes: Uint8Array,
  meta: Metadata,
  cfg: PreprocessConfig,
  maxInputPixels: number,
): Promise<Buffer> {
  const { width, height } = meta.autoOrient;
  const plan = planResize(width, height, cfg.size, cfg.resizeMode);
  return guarded(maxInputPixels, async () => {
    const { data, info } = await sharp(bytes, sharpOptions(maxInputPixels))
      .resize(plan.resizeWidth, plan.resizeHeight, {
        fit: 'fill',
        kernel: KERNELS[cfg.interpolation],
        fastShrinkOnLoad: false,
      })
      .extract({ left: plan.left, top: plan.top, width: cfg.size, height: cfg.size })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    checkRgb(info.channels);
    return data;
  });
}

/** Whether PIL's resampler must do it: an enlargement on either axis. */
function enlarges(width: number, height: number, cfg: PreprocessConfig): boolean {
  const plan = planResize(width, height, cfg.size, cfg.resizeMode);
  return plan.resizeWidth > width || plan.resizeHeight > height;
}

/** Resizes and crops decoded RGB to size x size, still 8-bit packed RGB. */
async function resizeAndCrop(image: DecodedImage, cfg: PreprocessConfig): Promise<Buffer> {
  const plan = planResize(image.width, image.height, cfg.size, cfg.resizeMode);
  if (enlarges(image.width, image.height, cfg) && cfg.interpolation in PIL_FILTERS) {
    const window = {
      width: plan.resizeWidth,
      height: plan.resizeHeight,
      left: plan.left,
      top: plan.top,
      cropWidth: cfg.size,
      cropHeight: cfg.size,
    };
    const out = pilResizeCrop(
      image.rgb,
      image.width,
      image.height,
      window,
      cfg.interpolation as PilFilter,
    );
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }
  const raw = { width: image.width, height: image.height, channels: 3 as const };
  return sharp(image.rgb, { raw })
    .resize(plan.resizeWidth, plan.resizeHeight, {
      fit: 'fill',
      kernel: KERNELS[cfg.interpolation],
    })
    .extract({ left: plan.left, top: plan.top, width: cfg.size, height: cfg.size })
    .raw()
    .toBuffer();
}

/** Decode, orient, resize and crop one photo: size x size packed 8-bit RGB. */
export async function preprocessPixels(
  bytes: Uint8Array,
  cfg: PreprocessConfig,
  maxInputPixels: number,
): Promise<DecodedImage> {
  const meta = await inspect(bytes, maxInputPixels);
  const { width, height } = meta.autoOrient;
  const rgb =
    isPlainRgb(meta) && !enlarges(width, height, cfg)
      ? await resizeInOnePass(bytes, meta, cfg, maxInputPixels)
      : await resizeAndCrop(await decodeRgb(bytes, meta, maxInputPixels), cfg);
  return { rgb, width, height, format: meta.format };
}
