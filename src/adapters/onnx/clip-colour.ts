/**
 * Colour conversions PIL makes and libvips makes differently: CMYK -> RGB, and GIF palette
 * transparency.
 *
 * The colour a GIF's first frame stores under its transparent index. PIL's convert('RGB') of a
 * palette GIF shows that colour where the GIF is transparent; libvips decodes those pixels as
 * transparent black. We read the colour from the file (GIF89a: header, logical screen
 * descriptor, global colour table, then blocks up to the first image descriptor, whose local
 * colour table wins) and paint it back under alpha 0.
 */

/** [r, g, b] of the first frame's transparent index, or undefined (no transparency, bad file). */
export function gifTransparentColour(bytes: Uint8Array): [number, number, number] | undefined {
  if (bytes.length < 13 || String.fromCharCode(...bytes.subarray(0, 3)) !== 'GIF') return undefined;
  const flags = bytes[10] as number;
  let pos = 13;
  let palette: Uint8Array | undefined;
  if (flags & 0x80) {
    const size = 3 * 2 ** ((flags & 7) + 1);
    palette = bytes.subarray(pos, pos + size);
    pos += size;
  }
  let transparent: number | undefined;
  while (pos < bytes.length) {
    const block = bytes[pos];
    if (block === 0x21) {
      // Extension: a Graphic Control Extension (0xF9) names the transparent index.
      if (bytes[pos + 1] === 0xf9 && (bytes[pos + 3] as number) & 1) transparent = bytes[pos + 6];
      pos += 2;
      while (pos < bytes.length && bytes[pos] !== 0) pos += (bytes[pos] as number) + 1;
      pos += 1;
    } else if (block === 0x2c) {
      const local = bytes[pos + 9] as number;
      if (local & 0x80) palette = bytes.subarray(pos + 10, pos + 10 + 3 * 2 ** ((local & 7) + 1));
      break;
    } else {
      return undefined;
    }
  }
  if (transparent === undefined || palette === undefined || palette.length < 3 * transparent + 3) {
    return undefined;
  }
  const at = 3 * transparent;
  return [palette[at] as number, palette[at + 1] as number, palette[at + 2] as number];
}

/** Packed RGBA -> packed RGB, `colour` wherever alpha is 0. */
export function rgbaToRgbUnderColour(
  rgba: Uint8Array,
  pixels: number,
  colour: readonly [number, number, number],
): Buffer {
  const rgb = Buffer.alloc(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const transparent = rgba[i * 4 + 3] === 0;
    for (let c = 0; c < 3; c++) {
      rgb[i * 3 + c] = transparent ? (colour[c] as number) : (rgba[i * 4 + c] as number);
    }
  }
  return rgb;
}

/** PIL's cmyk2rgb: R = (255 - K) - round((255 - K) * C / 255), with its integer rounding. */
export function cmykToRgb(cmyk: Uint8Array, pixels: number): Buffer {
  const rgb = Buffer.alloc(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const nk = 255 - (cmyk[i * 4 + 3] as number);
    for (let c = 0; c < 3; c++) {
      const t = (cmyk[i * 4 + c] as number) * nk + 128; // MULDIV255
      rgb[i * 3 + c] = nk - (((t >> 8) + t) >> 8);
    }
  }
  return rgb;
}
