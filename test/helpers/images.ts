/**
 * Real encoded images for e2e tests, made with sharp: solid colours, "photos" (mostly one colour
 * with noise and a few patches of others), and broken or oversized files for the error paths.
 */
import sharp from 'sharp';
import { colourPhoto } from './toy-model';

export type ImageFormat = 'png' | 'jpeg';

/** A flat image of one toy colour (by name, see TOY_COLOURS). */
export function solidImage(colour: string, format: ImageFormat = 'png'): Promise<Buffer> {
  return colourPhoto(colour, { format, width: 64, height: 48 });
}

/**
 * A mostly `colour` photo: noisy, with two small patches of other colours, so it is not the
 * exact image any product was indexed with.
 */
export function photoOf(
  colour: string,
  options: { format?: ImageFormat; seed?: number; patchColours?: readonly [string, string] } = {},
): Promise<Buffer> {
  const [a, b] = options.patchColours ?? ['white', 'black'];
  return colourPhoto(colour, {
    format: options.format ?? 'jpeg',
    width: 120,
    height: 90,
    noise: 35,
    seed: options.seed ?? 7,
    patches: [
      { colour: a, x: 8, y: 8, width: 18, height: 14 },
      { colour: b, x: 90, y: 60, width: 20, height: 20 },
    ],
  });
}

/** A JPEG cut off halfway: the header is valid, the scan data ends early. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await photoOf('green', { format: 'jpeg', seed: 3 });
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** Bytes that are no image format at all. */
export function notAnImage(): Buffer {
  return Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
}

/** A valid PNG with many pixels but few bytes (flat colour compresses to almost nothing). */
export function manyPixelsPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();
}

/** `size` bytes starting with a JPEG signature: the byte limit must trip before any decoding. */
export function bytesOfSize(size: number): Buffer {
  const bytes = Buffer.alloc(size, 0x5a);
  bytes[0] = 0xff;
  bytes[1] = 0xd8;
  bytes[2] = 0xff;
  return bytes;
}
