/**
 * Decoding untrusted photo bytes to 8-bit RGB as PIL's `convert('RGB')` sees them (see the
 * choices listed in clip-preprocess.ts): EXIF orientation applied, ICC profiles ignored, CMYK
 * and GIF palette transparency converted as PIL converts them, alpha dropped. Failures become
 * the service's typed errors.
 */
import sharp from 'sharp';
import type { Metadata, SharpOptions } from 'sharp';
import {
  BadUserInputError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../errors/app-error';
import { heifDeclaredSizes } from '../../lib/heif-header';
import type { PhotoFormat } from '../../lib/image-sniff';
import { describeNonPhoto, PHOTO_FORMATS, sniffPhotoFormat } from '../../lib/image-sniff';
import { cmykToRgb, gifTransparentColour, rgbaToRgbUnderColour } from './clip-colour';

/** Formats a product photo may come in; others (svg, pdf, raw pixels, ...) are refused. */
const SUPPORTED_FORMATS: ReadonlySet<string> = new Set([
  'jpeg',
  'png',
  'webp',
  'gif',
  'avif',
  'heif',
  'tiff',
]);

/**
 * Longest side over shortest side beyond which a photo is refused from its header. CLIP sees a
 * centre square, so a 1:50 image shows it 2% of the photo; and libvips decodes very long thin
 * images a row at a time (a 1 x 40 000 000 PNG of 800 KB took 48 s of CPU), so they are
 * refused before decoding, with a reason that says why.
 */
const MAX_ASPECT_RATIO = 50;

/** libvips' largest image side (VIPS_MAX_COORD). */
const MAX_SIDE = 10_000_000;

export interface DecodedImage {
  /** Packed 8-bit RGB, row-major, EXIF-oriented. */
  readonly rgb: Buffer;
  readonly width: number;
  readonly height: number;
  readonly format: string;
}

function translateDecodeError(error: unknown, maxInputPixels: number): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format|missing|empty/i.test(message)) {
    return new UnsupportedMediaTypeError(
      'not a supported image',
      { supported: PHOTO_FORMATS },
      { cause: error },
    );
  }
  if (/pixel limit/i.test(message)) {
    return new PayloadTooLargeError(
      'image has too many pixels',
      { maxInputPixels },
      { cause: error },
    );
  }
  return new BadUserInputError(
    'image is corrupt or truncated',
    { reason: 'IMAGE_CORRUPT' },
    { cause: error },
  );
}

export function sharpOptions(maxInputPixels: number): SharpOptions {
  // ignoreIcc: PIL, and so the training pipeline, reads stored values and ignores profiles.
  return {
    failOn: 'truncated',
    limitInputPixels: maxInputPixels,
    autoOrient: true,
    ignoreIcc: true,
  };
}

/** Runs a sharp step on untrusted bytes, turning its failures into our typed errors. */
export async function guarded<T>(maxInputPixels: number, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof UnsupportedMediaTypeError || error instanceof BadUserInputError) {
      throw error;
    }
    throw translateDecodeError(error, maxInputPixels);
  }
}

/**
 * Refuses, from the first bytes and before libvips sees them, anything that is not one of the
 * photo formats: SVG, PDF and the other formats libvips could render cost seconds and hundreds
 * of megabytes before being refused after the fact.
 */
function refuseNonPhoto(bytes: Uint8Array): PhotoFormat {
  const format = sniffPhotoFormat(bytes);
  if (format !== undefined) return format;
  const detected = describeNonPhoto(bytes);
  throw new UnsupportedMediaTypeError(
    detected === 'empty'
      ? 'empty upload'
      : `not a supported photo format (${PHOTO_FORMATS.join(', ')})`,
    { detected, supported: PHOTO_FORMATS },
  );
}

/**
 * Refuses an AVIF/HEIF (the caller sniffed it) whose header declares a size over the pixel limit or libvips' largest
 * side, before libvips reads it: past those, libheif fails only after GLib has printed a
 * CRITICAL line to stderr (outside the structured log) for each attempt.
 */
function refuseDeclaredOversize(bytes: Uint8Array, maxInputPixels: number): void {
  for (const { width, height } of heifDeclaredSizes(bytes)) {
    if (width > MAX_SIDE || height > MAX_SIDE || width * height > maxInputPixels) {
      throw new PayloadTooLargeError(`image declares ${width}x${height} pixels`, {
        maxInputPixels,
        width,
        height,
      });
    }
  }
}

/**
 * The refusals decided from the bytes alone, in microseconds and without libvips: not a photo
 * format, or an AVIF/HEIF declaring too many pixels. Run before waiting for a decoding slot, so
 * a hostile upload under load is refused at once instead of queueing behind real photos.
 */
export function refuseFromBytes(bytes: Uint8Array, maxInputPixels: number): void {
  const format = refuseNonPhoto(bytes);
  if (format === 'avif' || format === 'heif') refuseDeclaredOversize(bytes, maxInputPixels);
}

/**
 * Reads the header only; refuses empty input and anything whose first bytes are not a photo
 * format, then formats outside SUPPORTED_FORMATS.
 */
export async function inspect(bytes: Uint8Array, maxInputPixels: number): Promise<Metadata> {
  refuseFromBytes(bytes, maxInputPixels);
  return guarded(maxInputPixels, async () => {
    const meta = await sharp(bytes, sharpOptions(maxInputPixels)).metadata();
    if (!SUPPORTED_FORMATS.has(meta.format)) {
      throw new UnsupportedMediaTypeError(`image format ${String(meta.format)} is not supported`, {
        format: meta.format,
        supported: PHOTO_FORMATS,
      });
    }
    refuseExtremeAspect(meta);
    return meta;
  });
}

function refuseExtremeAspect(meta: Metadata): void {
  const { width, height } = meta;
  if (width === undefined || height === undefined || width < 1 || height < 1) return;
  if (Math.max(width, height) / Math.min(width, height) > MAX_ASPECT_RATIO) {
    throw new BadUserInputError(
      `image is ${width}x${height}: sides more than ${MAX_ASPECT_RATIO} times apart`,
      { reason: 'IMAGE_ASPECT_RATIO', width, height, maxAspectRatio: MAX_ASPECT_RATIO },
    );
  }
}

export function checkRgb(channels: number): void {
  if (channels !== 3) {
    throw new UnsupportedMediaTypeError(`image has ${channels} channels after RGB conversion`, {});
  }
}

export async function decodeRgb(
  bytes: Uint8Array,
  meta: Metadata,
  maxInputPixels: number,
): Promise<DecodedImage> {
  return guarded(maxInputPixels, async () => {
    const image = sharp(bytes, sharpOptions(maxInputPixels));
    if (meta.space === 'cmyk') {
      // The stored CMYK values (Adobe-inverted JPEGs read as PIL reads them), then PIL's formula.
      // pipelineColourspace too, or libvips round-trips the values through a CMYK profile.
      const { data, info } = await image
        .pipelineColourspace('cmyk')
        .toColourspace('cmyk')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 4) checkRgb(info.channels);
      const rgb = cmykToRgb(data, info.width * info.height);
      return { rgb, width: info.width, height: info.height, format: meta.format };
    }
    const gifColour =
      meta.format === 'gif' && meta.hasAlpha ? gifTransparentColour(bytes) : undefined;
    if (gifColour !== undefined) {
      const { data, info } = await image
        .ensureAlpha()
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      const rgb = rgbaToRgbUnderColour(data, info.width * info.height, gifColour);
      return { rgb, width: info.width, height: info.height, format: meta.format };
    }
    const { data, info } = await image
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    checkRgb(info.channels);
    return { rgb: data, width: info.width, height: info.height, format: meta.format };
  });
}

/**
 * The part `box` of a plain photo (isPlainRgb) as packed 8-bit RGB, EXIF orientation applied
 * first: what the resampler reads of a reduction, without the rows and columns the centre crop
 * drops. Grey photos come out as RGB by copying the channel, as PIL converts them.
 */
export async function decodeBox(
  bytes: Uint8Array,
  meta: Metadata,
  box: { left: number; top: number; width: number; height: number },
  maxInputPixels: number,
): Promise<Buffer> {
  const { width, height } = meta.autoOrient;
  return guarded(maxInputPixels, async () => {
    let image = sharp(bytes, sharpOptions(maxInputPixels));
    if (box.left !== 0 || box.top !== 0 || box.width !== width || box.height !== height) {
      image = image.extract(box);
    }
    const { data, info } = await image
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    checkRgb(info.channels);
    return data;
  });
}

/**
 * Decodes untrusted bytes to 8-bit RGB. Throws UnsupportedMediaTypeError (not an image, or a
 * refused format), PayloadTooLargeError (over `maxInputPixels`) or BadUserInputError with
 * details.reason IMAGE_CORRUPT (a known format whose data is broken or truncated).
 */
export async function decodeImage(
  bytes: Uint8Array,
  maxInputPixels: number,
): Promise<DecodedImage> {
  return decodeRgb(bytes, await inspect(bytes, maxInputPixels), maxInputPixels);
}

/**
 * Whether resizing before the RGB conversion gives the same pixels as after it: 8-bit, no
 * alpha, already sRGB or grey (grey becomes RGB by copying the channel).
 */
export function isPlainRgb(meta: Metadata): boolean {
  const plainSpace =
    (meta.space === 'srgb' && meta.channels === 3) || (meta.space === 'b-w' && meta.channels === 1);
  return plainSpace && meta.depth === 'uchar' && !meta.hasAlpha;
}
