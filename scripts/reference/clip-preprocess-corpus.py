"""Build test/fixtures/preprocess/: generated photos and the PIL + torchvision reference crops.

For every class the issue lists (JPEG 4:2:0/4:4:4/progressive/grey, PNG 8/16-bit, palette with
transparency, RGBA, GIF, WebP, TIFF, AVIF, EXIF orientations, tiny, very wide, ICC-tagged,
CMYK, small photos that must be enlarged) this script draws a photo-like image with Pillow,
saves it in that format, and runs the reference preprocessing on the saved bytes:

  Image.open -> ImageOps.exif_transpose -> convert('RGB')
  -> torchvision Resize(S, BICUBIC) (= PIL resize((int(S * long / short), S), BICUBIC))
  -> CenterCrop(S) (offset int(round((w - S) / 2))), S = 224 or 160 (see main)

convert('RGB') comes first, as Immich does it and as every training image of a LAION-trained
model was (img2dataset stored them as RGB JPEGs); OpenCLIP's own transform converts after the
resize, which for RGBA premultiplies and for palette images resizes with NEAREST. ICC profiles
are not applied (PIL ignores them); CMYK uses PIL's plain conversion. The crop (uint8 RGB, the
step before ToTensor/Normalize, which are exact) is saved as a PNG next to the input.

  python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install pillow==13.0.0 numpy
  /tmp/refvenv/bin/python scripts/reference/clip-preprocess-corpus.py test/fixtures/preprocess
  npx prettier --write test/fixtures/preprocess/index.json

The ICC classes embed Ghostscript's a98.icc (Adobe RGB) and rommrgb.icc (ProPhoto), from
Debian's libgs-common (/usr/share/color/icc/ghostscript).
"""
import io
import json
import os
import sys
import zlib
import struct

import numpy as np
from PIL import Image, ImageDraw, ImageOps

SIZE = 224
ICC_DIR = "/usr/share/color/icc/ghostscript"


def photo(w, h, seed=0):
    """Smooth gradients, hard-edged shapes and a fine pattern: what resampling must get right."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 127 + 120 * np.sin(x / max(w, 1) * 5.1 + seed)
    g = 127 + 120 * np.cos(y / max(h, 1) * 4.3)
    b = 127 + 120 * np.sin((x + y) / max(w + h, 1) * 7.7)
    img = np.stack([r, g, b], axis=-1)
    img[((x // 3 + y // 3) % 2 == 0) & (x < w / 3) & (y < h / 2)] *= 0.8  # fine detail
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(im)
    for _ in range(6):
        x0, y0 = rng.integers(0, max(w, 2)), rng.integers(0, max(h, 2))
        x1, y1 = x0 + rng.integers(1, max(w // 2, 2)), y0 + rng.integers(1, max(h // 2, 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        draw.ellipse([x0, y0, x1, y1], fill=colour) if rng.random() < 0.5 else draw.rectangle(
            [x0, y0, x1, y1], fill=colour)
    draw.line([0, 0, w - 1, h - 1], fill=(255, 255, 255), width=max(1, w // 100))
    return im


def save(im, fmt, **kw):
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def png16(im):
    """A 16-bit RGB PNG (Pillow writes no such file): rows of big-endian 16-bit samples."""
    a = np.asarray(im).astype(np.uint16) * 257 + np.uint16(3)
    a = np.minimum(a, 65535).astype(">u2")
    h, w, _ = a.shape
    raw = b"".join(b"\x00" + a[row].tobytes() for row in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def with_alpha(im, seed):
    a = Image.new("L", im.size, 0)
    ImageDraw.Draw(a).ellipse([im.width // 6, im.height // 6, im.width * 5 // 6, im.height * 5 // 6], fill=255)
    rgba = im.copy()
    rgba.putalpha(a)
    return rgba


def oriented(im, orientation):
    """A JPEG whose EXIF says `orientation`, its stored pixels transformed the inverse way."""
    inverse = {2: [Image.Transpose.FLIP_LEFT_RIGHT], 3: [Image.Transpose.ROTATE_180],
               4: [Image.Transpose.FLIP_TOP_BOTTOM], 5: [Image.Transpose.TRANSPOSE],
               6: [Image.Transpose.ROTATE_90], 7: [Image.Transpose.TRANSVERSE],
               8: [Image.Transpose.ROTATE_270]}[orientation]
    stored = im
    for op in inverse:
        stored = stored.transpose(op)
    exif = Image.Exif()
    exif[0x0112] = orientation
    return save(stored, "JPEG", quality=92, exif=exif.tobytes())


def icc(name):
    with open(os.path.join(ICC_DIR, name), "rb") as f:
        return f.read()


def cmyk(im):
    c = ImageOps.invert(im).convert("RGB")
    arr = np.asarray(c).astype(np.int32)
    k = arr.min(axis=-1, keepdims=True) // 2
    return Image.fromarray(np.concatenate([arr - k, k], axis=-1).astype(np.uint8), "CMYK")


def corpus():
    base = photo(300, 230, 1)
    portrait = photo(230, 340, 2)
    yield "jpeg-420", save(base, "JPEG", quality=90, subsampling=2)
    yield "jpeg-444", save(portrait, "JPEG", quality=95, subsampling=0)
    yield "jpeg-progressive", save(base, "JPEG", quality=85, progressive=True)
    yield "jpeg-grey", save(base.convert("L"), "JPEG", quality=90)
    yield "png-rgb8", save(base, "PNG")
    yield "png-rgb16", png16(photo(240, 230, 3))
    yield "png-grey8", save(portrait.convert("L"), "PNG")
    yield "png-grey-alpha", save(with_alpha(base, 4).convert("LA"), "PNG")
    yield "png-rgba", save(with_alpha(base, 5), "PNG")
    pal = base.quantize(64)
    yield "png-palette", save(pal, "PNG")
    yield "png-palette-transparency", save(pal, "PNG", transparency=3)
    yield "gif", save(photo(260, 240, 6).quantize(128), "GIF")
    yield "gif-transparency", save(photo(260, 240, 7).quantize(128), "GIF", transparency=5)
    yield "webp-lossy", save(base, "WEBP", quality=90)
    yield "webp-lossless", save(portrait, "WEBP", lossless=True)
    yield "webp-alpha", save(with_alpha(portrait, 8), "WEBP", lossless=True)
    yield "tiff", save(base, "TIFF", compression="tiff_deflate")
    yield "avif", save(base, "AVIF", quality=90)
    for o in range(2, 9):
        yield f"exif-orientation-{o}", oriented(photo(300, 226, 10 + o), o)
    yield "tiny-1x1", save(Image.new("RGB", (1, 1), (200, 30, 90)), "PNG")
    yield "tiny-3x5", save(photo(3, 5, 20), "PNG")
    yield "tiny-17x9", save(photo(17, 9, 21), "PNG")
    yield "very-wide", save(photo(1600, 200, 22), "PNG")
    yield "very-tall", save(photo(230, 1200, 23), "JPEG", quality=90)
    yield "icc-adobe-rgb", save(base, "JPEG", quality=92, icc_profile=icc("a98.icc"))
    yield "icc-prophoto", save(portrait, "PNG", icc_profile=icc("rommrgb.icc"))
    yield "cmyk-jpeg", save(cmyk(base), "JPEG", quality=92)
    yield "cmyk-tiff", save(cmyk(portrait), "TIFF", compression="tiff_deflate")
    for w, h in [(64, 64), (100, 80), (150, 223), (223, 300), (120, 90)]:
        yield f"small-{w}x{h}", save(photo(w, h, w + h), "PNG")
    yield "small-jpeg-160x120", save(photo(160, 120, 30), "JPEG", quality=90)
    yield "reduce-big", save(photo(1000, 900, 31), "JPEG", quality=75)


def reference(data, size):
    im = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    im = im.convert("RGB")
    w, h = im.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(size * long / short)
    resized = (size, new_long) if w <= h else (new_long, size)
    im = im.resize(resized, Image.Resampling.BICUBIC)
    left = int(round((resized[0] - size) / 2.0))
    top = int(round((resized[1] - size) / 2.0))
    # A plain RGB image: convert() of a palette image carries its transparency along in info.
    return Image.fromarray(np.asarray(im.crop((left, top, left + size, top + size))), "RGB")


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    index = []
    for name, data in corpus():
        fmt = Image.open(io.BytesIO(data)).format.lower()
        src = f"{name}.{ {'jpeg': 'jpg'}.get(fmt, fmt) }"
        with open(os.path.join(out_dir, src), "wb") as f:
            f.write(data)
        # 224 (the usual CLIP input) where enlargement is tested, else 160 to keep the fixtures small.
        size = SIZE if name.startswith(("small", "tiny", "very")) else 160
        reference(data, size).save(os.path.join(out_dir, f"{name}.ref.png"), optimize=True)
        index.append({"class": name, "input": src, "reference": f"{name}.ref.png", "size": size})
    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump({"generator": "scripts/reference/clip-preprocess-corpus.py", "images": index}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
