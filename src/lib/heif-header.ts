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

/** The boxes between `from` and `to`; stops at the first malformed one. */
function boxes(bytes: Uint8Array, from: number, to: number): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
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
    found.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return found;
}

function child(
  bytes: Uint8Array,
  parent: Box | undefined,
  type: string,
  skip = 0,
): Box | undefined {
  if (parent === undefined) return undefined;
  return boxes(bytes, parent.start + skip, parent.end).find((box) => box.type === type);
}

/** Every `ispe` size in the file's header (empty when it has none or is not box-structured). */
export function heifDeclaredSizes(bytes: Uint8Array): DeclaredSize[] {
  const top: Box = { type: '', start: 0, end: bytes.byteLength };
  // meta is a full box: 4 bytes of version and flags before its children.
  const properties = child(bytes, child(bytes, child(bytes, top, 'meta'), 'iprp', 4), 'ipco');
  if (properties === undefined) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return boxes(bytes, properties.start, properties.end)
    .filter((box) => box.type === 'ispe' && box.end - box.start >= 12)
    .map((box) => ({
      width: view.getUint32(box.start + 4),
      height: view.getUint32(box.start + 8),
    }));
}
