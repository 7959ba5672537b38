/**
 * The image sizes an AVIF/HEIF file declares in its header (`ispe` properties, ISO/IEC 23008-12),
 * read by walking the box tree: ftyp, meta (a full box), iprp, ipco, ispe. libheif refuses a
 * size past its limits only after libvips has tried to set it on an image, and GLib then prints
 * a CRITICAL line straight to stderr, outside the structured log; reading the sizes first lets
 * such a file be refused with a code before libvips sees it.
 */

export interface DeclaredSize {
  readonly width: number;
  readonly height: number;
}

interface Box {
  readonly type: string;
  /** Offset of the box's payload. */
  readonly start: number;
  /** Offset just past the box. */
  readonly end: number;
}

/**
 * Boxes read per level at most. A real header holds a handful per level (ftyp, meta, mdat; a few
 * properties per image); a hostile 10 MB upload of 8-byte boxes would otherwise be walked box
 * by box, a million of them.
 */
const MAX_BOXES_PER_LEVEL = 4096;

/** The boxes between `from` and `to`, in order; stops at the first malformed one. */
function* boxes(bytes: Uint8Array, from: number, to: number): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = from;
  for (let n = 0; n < MAX_BOXES_PER_LEVEL && at + 8 <= to; n++) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      const high = view.getUint32(at + 8);
      if (high !== 0) break;
      size = view.getUint32(at + 12);
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) break;
    const type = String.fromCharCode(
      bytes[at + 4]!,
      bytes[at + 5]!,
      bytes[at + 6]!,
      bytes[at + 7]!,
    );
    yield { type, start: at + header, end: at + size };
    at += size;
  }
}

function child(
  bytes: Uint8Array,
  parent: Box | undefined,
  type: string,
  skip = 0,
): Box | undefined {
  if (parent === undefined) return undefined;
  for (const box of boxes(bytes, parent.start + skip, parent.end)) {
    if (box.type === type) return box;
  }
  return undefined;
}

/** Every `ispe` size in the file's header (empty when it has none or is not box-structured). */
export function heifDeclaredSizes(bytes: Uint8Array): DeclaredSize[] {
  const top: Box = { type: '', start: 0, end: bytes.byteLength };
  // meta is a full box: 4 bytes of version and flags before its children.
  const properties = child(bytes, child(bytes, child(bytes, top, 'meta'), 'iprp', 4), 'ipco');
  if (properties === undefined) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [...boxes(bytes, properties.start, properties.end)]
    .filter((box) => box.type === 'ispe' && box.end - box.start >= 12)
    .map((box) => ({
      width: view.getUint32(box.start + 4),
      height: view.getUint32(box.start + 8),
    }));
}
