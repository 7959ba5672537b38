"""Reference values for test/integration/adapters/onnx/clip-preprocess.test.ts.

OpenCLIP's preprocessing for resize_mode 'shortest' is torchvision
Resize(224, BICUBIC) -> CenterCrop(224) -> ToTensor -> Normalize(mean, std). On a PIL image,
Resize(224) is PIL `resize((int(224 * long / short), 224), BICUBIC)` and CenterCrop uses
`int(round((w - 224) / 2))`; this script does exactly that with Pillow + numpy (no torch).

  pip install pillow numpy
  python3 scripts/reference/clip-preprocess-reference.py
"""
import json

import numpy as np
from PIL import Image

W, H, SIZE = 334, 240, 224
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def test_image():
    # Same integer formulas as testImageRgb() in the test: identical pixels on both sides.
    img = np.zeros((H, W, 3), dtype=np.uint8)
    for y in range(H):
        for x in range(W):
            img[y, x, 0] = abs((x * 4) % 510 - 255)
            img[y, x, 1] = (y * 255) // (H - 1)
            img[y, x, 2] = (((x - 167) ** 2 + (y - 120) ** 2) * 255) // (167**2 + 120**2)
    return Image.fromarray(img, "RGB")


def main():
    img = test_image()
    new_w = int(SIZE * W / H)
    resized = img.resize((new_w, SIZE), Image.Resampling.BICUBIC)
    left = int(round((new_w - SIZE) / 2.0))
    top = int(round((SIZE - SIZE) / 2.0))
    cropped = resized.crop((left, top, left + SIZE, top + SIZE))
    x = np.asarray(cropped, dtype=np.float32) / np.float32(255.0)
    x = ((x - MEAN) / STD).transpose(2, 0, 1)
    yx = [(0, 0), (5, 200), (37, 50), (80, 131), (111, 112), (150, 17), (199, 223), (223, 90)]
    points = [[c, y, xx] for c in range(3) for y, xx in yx]
    print(json.dumps({
        "resized": [new_w, SIZE],
        "crop": [left, top],
        "channelMeans": [round(float(x[c].mean()), 5) for c in range(3)],
        "points": [[c, y, xx, round(float(x[c, y, xx]), 5)] for c, y, xx in points],
    }))


if __name__ == "__main__":
    main()
