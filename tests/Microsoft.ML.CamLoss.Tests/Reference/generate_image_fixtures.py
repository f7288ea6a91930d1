"""Decoding references from PIL (Debian python3-pil 9.4, the same libjpeg-turbo 2.1 as OpenCV).

Writes small synthetic images to Fixtures/images/ (JPEG with and without EXIF orientation, grey
JPEG, PNG grey/16-bit/RGBA/palette, lossless WebP, BMP, and a GIF for the "extension lies" test),
and Fixtures/images.json with, for each, the RGB pixels PIL gives (after ImageOps.exif_transpose;
for the 16-bit PNG, value >> 8 from numpy, the documented rule, since PIL clips I;16 to 255).

For a sample of the real JPEGs in ../shared/data it stores the SHA-256 of PIL's RGB bytes and a
4x-strided subsample of the pixels (every 4th row and column) as base64, so the C# test can
report the max abs difference without committing whole images.
Run with /usr/bin/python3."""
import base64
import hashlib
import io
import json
import os

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "Fixtures")
IMG = os.path.join(FIX, "images")
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "data"))
os.makedirs(IMG, exist_ok=True)


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode()


def synthetic(h, w, seed):
    """A smooth colour gradient with a few sharp edges and mild noise (compresses like a photo)."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w]
    r = 255 * x / max(w - 1, 1)
    g = 255 * y / max(h - 1, 1)
    b = 128 + 100 * np.sin((x + 2 * y) / 3.0)
    img = np.stack([r, g, b], -1)
    img[h // 3: h // 2, w // 4: w // 2] = [250, 20, 40]
    img += rng.normal(0, 6, img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


entries = {}


def record(name, expected):
    entries[name] = {"shape": list(expected.shape), "pixels": b64(expected)}


def save_and_record(name, image, expected=None, **kw):
    path = os.path.join(IMG, name)
    image.save(path, **kw)
    if expected is None:
        with Image.open(path) as im:
            expected = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    record(name, expected)


rgb = Image.fromarray(synthetic(16, 24, 0))
save_and_record("rgb.jpg", rgb, quality=90)
save_and_record("rgb_progressive.jpg", rgb, quality=85, progressive=True)
save_and_record("grey.jpg", rgb.convert("L"), quality=90)
for orientation in (3, 6, 8):
    exif = Image.Exif()
    exif[0x0112] = orientation
    save_and_record(f"exif_orientation{orientation}.jpg", rgb, quality=90, exif=exif.tobytes())
save_and_record("grey.png", rgb.convert("L"))
save_and_record("rgba.png", Image.fromarray(np.dstack([synthetic(16, 24, 1), np.linspace(0, 255, 16 * 24).reshape(16, 24).astype(np.uint8)])))
save_and_record("palette.png", rgb.convert("P", palette=Image.ADAPTIVE, colors=16))
save_and_record("rgb.bmp", rgb)
save_and_record("rgb.webp", rgb, lossless=True)
grey16 = (np.arange(16 * 24, dtype=np.uint32).reshape(16, 24) * 171 % 65536).astype(np.uint16)
save_and_record("grey16.png", Image.fromarray(grey16, mode="I;16"), expected=np.repeat((grey16 >> 8).astype(np.uint8)[..., None], 3, -1))
frames = [Image.fromarray(synthetic(16, 24, s)).convert("P") for s in (2, 3)]
frames[0].save(os.path.join(IMG, "anim.gif"), save_all=True, append_images=frames[1:])

# A sample of the real JPEGs: every 240th flowers12 image, every 1500th CUB image, every 15000th CIFAR image.
real = {}
if os.path.isdir(SHARED):
    def walk(root, every):
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.lower().endswith(".jpg"))
        return files[::every]
    sample = walk(os.path.join(SHARED, "flowers12"), 240) + walk(os.path.join(SHARED, "cub200-subset"), 1500) \
        + walk(os.path.join(SHARED, "cifar10-jpeg"), 15000)
    for path in sample:
        with Image.open(path) as im:
            a = np.asarray(im.convert("RGB"))
        real[os.path.relpath(path, SHARED)] = {
            "shape": list(a.shape),
            "sha256": hashlib.sha256(a.tobytes()).hexdigest(),
            "stride": 4,
            "subsample": b64(a[::4, ::4]),
        }

with open(os.path.join(FIX, "images.json"), "w") as f:
    json.dump({"pil": Image.__version__, "synthetic": entries, "real": real}, f, indent=1)
print(len(entries), "synthetic,", len(real), "real")
