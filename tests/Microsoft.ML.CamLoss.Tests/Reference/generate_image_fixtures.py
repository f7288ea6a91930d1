"""Decoding references from PIL (Debian python3-pil 9.4 with libjpeg-turbo 2.1, libpng, libwebp 1.2).

Writes small synthetic images to Fixtures/images/ and Fixtures/images.json with, for each, the RGB
pixels PIL gives: np.asarray(ImageOps.exif_transpose(Image.open(f)).convert("RGB")). The images:
baseline, progressive, grey and CMYK JPEG; JPEG with each EXIF orientation 2..8; JPEG and PNG
carrying an ICC profile that is NOT sRGB (sRGB with its red and blue primaries swapped: any colour
management would change the pixels, PIL applies none); PNG grey, grey+alpha, RGBA, palette,
palette with tRNS, 16-bit grey and 16-bit RGB; lossless and lossy WebP, WebP with EXIF orientation
6; BMP; the first frame of a two-frame GIF, and one-frame GIFs on a larger canvas with and
without a transparent index (PIL paints what the frame leaves transparent with that palette
entry); binary and plain PBM/PGM/PPM (8-bit, maxval 7, and 16-bit grey).
For 16 bits per sample the reference is value >> 8 (the documented rule, kept from v1): PIL takes
the high byte of 16-bit RGB PNGs but clips 16-bit grey (mode I;16 / I) to 255, which is useless.

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
with Image.open(os.path.join(IMG, "anim.gif")) as im:
    assert im.n_frames == 2
    record("anim.gif", np.asarray(im.convert("RGB")))  # the first frame, as PIL opens it

# Added for the SkiaSharp decoder (v2).
def gif_on_larger_canvas(name, transparency):
    """A one-frame GIF whose 24x16 frame sits on a 30x20 canvas (PIL fills the rest with the
    transparent index, else index 0), with or without a transparent index."""
    import struct
    frame = Image.fromarray((synthetic(16, 24, 4)[..., 0] // 32).astype(np.uint8), mode="P")
    frame.putpalette([10, 20, 30, 200, 10, 10, 10, 200, 10, 10, 10, 200, 100, 100, 100, 50, 60, 70, 250, 250, 0, 0, 250, 250] + [0] * (3 * 248))
    out = io.BytesIO()
    frame.save(out, format="GIF", **({} if transparency is None else {"transparency": transparency}))
    data = bytearray(out.getvalue())
    data[6:10] = struct.pack("<HH", 30, 20)  # logical screen larger than the frame
    with open(os.path.join(IMG, name), "wb") as f:
        f.write(data)
    with Image.open(os.path.join(IMG, name)) as im:
        assert im.size == (30, 20)
        record(name, np.asarray(im.convert("RGB")))


gif_on_larger_canvas("gif_transparent.gif", 2)
gif_on_larger_canvas("gif_small_frame.gif", None)
save_and_record("cmyk.jpg", rgb.convert("CMYK"), quality=90)
for orientation in (2, 4, 5, 7):
    exif = Image.Exif()
    exif[0x0112] = orientation
    save_and_record(f"exif_orientation{orientation}.jpg", rgb, quality=90, exif=exif.tobytes())
exif = Image.Exif()
exif[0x0112] = 6
save_and_record("exif_orientation6.webp", rgb, lossless=True, exif=exif.tobytes())
save_and_record("rgb_lossy.webp", rgb, quality=80)
save_and_record("grey_alpha.png", Image.fromarray(np.dstack([np.asarray(rgb.convert("L")), np.linspace(255, 0, 16 * 24).reshape(16, 24).astype(np.uint8)]), mode="LA"))
palette = rgb.convert("P", palette=Image.ADAPTIVE, colors=16)
save_and_record("palette_trns.png", palette, transparency=3)


def swapped_icc():
    """sRGB's ICC profile with the rXYZ and bXYZ tags swapped: valid, and far from sRGB."""
    from PIL import ImageCms
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = int.from_bytes(icc[128:132], "big")
    tags = {bytes(icc[132 + 12 * i: 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    r, b = tags[b"rXYZ"], tags[b"bXYZ"]
    icc[r + 4: r + 12], icc[b + 4: b + 12] = icc[b + 4: b + 12], icc[r + 4: r + 12]
    return bytes(icc)


save_and_record("icc_swapped.jpg", rgb, quality=90, icc_profile=swapped_icc())
save_and_record("icc_swapped.png", rgb, icc_profile=swapped_icc())


def png16(path, samples, colour_type):
    """A 16-bit PNG (PIL cannot write 16-bit RGB): big-endian samples, filter 0 on every row."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    h, w = samples.shape[:2]
    raw = b"".join(b"\x00" + samples[y].astype(">u2").tobytes() for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, colour_type, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


rgb16 = (np.arange(16 * 24 * 3, dtype=np.uint32).reshape(16, 24, 3) * 2731 % 65536).astype(np.uint16)
png16(os.path.join(IMG, "rgb16.png"), rgb16, 2)
with Image.open(os.path.join(IMG, "rgb16.png")) as im:
    assert (np.asarray(im.convert("RGB")) == rgb16 >> 8).all(), "PIL takes the high byte of 16-bit RGB"
record("rgb16.png", (rgb16 >> 8).astype(np.uint8))


def write_and_record(name, data, expected=None):
    with open(os.path.join(IMG, name), "wb") as f:
        f.write(data)
    if expected is None:
        with Image.open(os.path.join(IMG, name)) as im:
            expected = np.asarray(im.convert("RGB"))
    record(name, expected)


grey8 = np.asarray(rgb.convert("L"))
write_and_record("grey.pgm", b"P5\n# written by generate_image_fixtures.py\n24 16\n255\n" + grey8.tobytes())
write_and_record("rgb.ppm", b"P6\n24 16\n255\n" + np.asarray(rgb).tobytes())
write_and_record("grey7.pgm", b"P5 24 16 7\n" + (grey8 // 37).astype(np.uint8).tobytes())
write_and_record("plain.ppm", b"P3\n24 16\n255\n" + " ".join(str(v) for v in np.asarray(rgb)[..., :].reshape(-1)).encode() + b"\n")
bits = (grey8 > 128)
write_and_record("bits.pbm", b"P4\n24 16\n" + np.packbits(bits, axis=1).tobytes())
grey16pgm = (grey8.astype(np.uint32) * 257 + 100).clip(0, 65535).astype(np.uint16)
write_and_record("grey16.pgm", b"P5\n24 16\n65535\n" + grey16pgm.astype(">u2").tobytes(),
                 expected=np.repeat((grey16pgm >> 8).astype(np.uint8)[..., None], 3, -1))

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
