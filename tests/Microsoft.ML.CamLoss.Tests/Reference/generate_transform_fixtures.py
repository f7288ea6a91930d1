"""torchvision 0.14 tensor-transform references for the Data transforms (Fixtures/transforms.json).

Input: a uint8 [3, 37, 50] image (a smooth gradient with edges and noise, seeded numpy) and its
float version (÷ 255). Outputs of torchvision.transforms.functional on tensors with fixed
parameters (random transforms are checked by replaying their documented parameter draws in C#
and comparing with these deterministic operations). Every array is base64, little-endian:
uint8 or float32. Run with /usr/bin/python3."""
import base64
import json
import os

import numpy as np
import torch
import torchvision
import torchvision.transforms.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def synthetic(h, w, seed):
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([255 * x / (w - 1), 255 * y / (h - 1), 128 + 100 * np.sin((x + 2 * y) / 3.0)], -1)
    img[h // 3: h // 2, w // 4: w // 2] = [250, 20, 40]
    img += rng.normal(0, 12, img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def pack(t):
    t = t.contiguous()
    dtype = {torch.uint8: "uint8", torch.float32: "float32"}[t.dtype]
    data = t.numpy().astype("<f4" if dtype == "float32" else np.uint8).tobytes()
    return {"shape": list(t.shape), "dtype": dtype, "data": base64.b64encode(data).decode()}


img = torch.from_numpy(synthetic(37, 50, 3)).permute(2, 0, 1).contiguous()
flt = F.convert_image_dtype(img, torch.float32)
out = {"torchvision": torchvision.__version__, "input": pack(img)}
cases = {
    "resize_shorter20": F.resize(img, 20, antialias=True),
    "resize_shorter20_noaa": F.resize(img, 20, antialias=False),
    "resize_shorter20_max24": F.resize(img, 20, max_size=24, antialias=True),
    "resize_shorter60": F.resize(img, 60, antialias=True),
    "resize_exact24x30": F.resize(img, [24, 30], antialias=True),
    "resize_float_exact17x23": F.resize(flt, [17, 23], antialias=True),
    "center_crop21x21": F.center_crop(img, [21, 21]),
    "center_crop40x52": F.center_crop(img, [40, 52]),
    "resized_crop_3_5_20x30_to16x16": F.resized_crop(img, 3, 5, 20, 30, [16, 16], antialias=True),
    "hflip": F.hflip(img),
    "to_float": flt,
    "normalize_imagenet": F.normalize(flt, IMAGENET_MEAN, IMAGENET_STD),
    "pad4_constant": F.pad(img, 4),
    "pad4_reflect": F.pad(img, 4, padding_mode="reflect"),
    "erase_5_9_8x12": F.erase(F.normalize(flt, IMAGENET_MEAN, IMAGENET_STD), 5, 9, 8, 12, torch.tensor(0.0)),
}
out["cases"] = {k: pack(v) for k, v in cases.items()}
with open(os.path.join(HERE, "..", "Fixtures", "transforms.json"), "w") as f:
    json.dump(out, f, indent=1)
print({k: list(v.shape) for k, v in cases.items()})
