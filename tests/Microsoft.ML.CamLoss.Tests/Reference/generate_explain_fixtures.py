"""Heatmap rendering references from matplotlib 3.6 (Debian python3-matplotlib) and torch 1.13.

Writes Fixtures/explain.json with:
- "colormaps": for jet, viridis and gray, the 256 lookup-table entries as RGB bytes (base64), by the rule the
  C# Colormap states: round(cmap(i)[:3] * 255), numpy's round (half to even). (matplotlib's own
  cmap(x, bytes=True) truncates instead, so it can be 1 lower.)
- "samples": float32 values (edges of the 256 bins, out of range, seeded random) and the bytes
  round(cmap(value)[:3] * 255), to check the value -> entry rule (floor(value * 256), values below
  0 take entry 0, values of 1 and above entry 255), as base64 RGB bytes.
- "overlays": a seeded synthetic uint8 RGB image, a small float32 map, and the expected overlay:
  the map min-max normalised in float32, resized with F.interpolate(mode="bilinear",
  align_corners=False) to the image size, coloured by the colormap and blended in float64 as
  round((1 - a) * image + a * colour).
Run with /usr/bin/python3.
"""
import base64
import json
import os

import matplotlib
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Fixtures", "explain.json")
COLORMAPS = ["jet", "viridis", "gray"]


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode()


def to_bytes(rgba):
    """The stated rule: RGB channels of a matplotlib colour, times 255, rounded half to even."""
    return np.round(np.asarray(rgba, dtype=np.float64)[..., :3] * 255).astype(np.uint8)


def colormap(name):
    return matplotlib.colormaps[name].resampled(256)


def synthetic_image(h, w, seed):
    """Smooth colour ramps, a sharp rectangle and mild noise: every byte value range gets used."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w]
    r = 255 * x / (w - 1)
    g = 255 * (1 - y / (h - 1))
    b = 128 + 120 * np.cos((x - 2 * y) / 4.0)
    img = np.stack([r, g, b], -1)
    img[h // 4: h // 2, w // 3: (2 * w) // 3] = [30, 200, 90]
    img += rng.normal(0, 5, img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def overlay(image, heatmap, opacity, name):
    m = torch.from_numpy(heatmap)
    normalised = (m - m.min()) / (m.max() - m.min())
    resized = F.interpolate(normalised[None, None], size=image.shape[:2], mode="bilinear", align_corners=False)[0, 0]
    colour = to_bytes(colormap(name)(resized.numpy())).astype(np.float64)
    blended = np.round((1 - opacity) * image.astype(np.float64) + opacity * colour)
    return blended.astype(np.uint8)


def main():
    fixture = {"matplotlib": matplotlib.__version__, "torch": torch.__version__}

    fixture["colormaps"] = {name: b64(to_bytes(colormap(name)(np.arange(256)))) for name in COLORMAPS}

    edges = []
    for k in (1, 2, 77, 128, 200, 255):
        edge = np.float32(k / 256)
        edges += [edge, np.nextafter(edge, np.float32(0))]
    special = [0.0, 1.0, 0.5, np.nextafter(np.float32(1), np.float32(0)), np.float32(1e-30), -0.25, -1e-7, 1.25, 7.0]
    rng = np.random.RandomState(3)
    values = np.array(special + edges + list(rng.uniform(0, 1, 40)), dtype=np.float32)
    fixture["samples"] = {
        "values": [float(v) for v in values],
        **{name: b64(to_bytes(colormap(name)(values))) for name in COLORMAPS},
    }

    image = synthetic_image(37, 53, seed=0)
    yy, xx = np.mgrid[0:7, 0:9].astype(np.float32)
    heatmap = (3.5 * np.exp(-((yy - 2.0) ** 2 + (xx - 6.0) ** 2) / 4.0) - 0.8
               + 0.3 * np.random.RandomState(1).standard_normal((7, 9))).astype(np.float32)
    fixture["overlays"] = {
        "image": {"shape": list(image.shape), "pixels": b64(image)},
        "map": {"shape": list(heatmap.shape), "dtype": "float32", "data": [float(v) for v in heatmap.reshape(-1)]},
        "cases": [
            {"colormap": name, "opacity": opacity, "pixels": b64(overlay(image, heatmap, opacity, name))}
            for name, opacity in (("jet", 0.5), ("viridis", 0.3), ("gray", 0.85))
        ],
    }

    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
