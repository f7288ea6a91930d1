"""PyTorch's predictions of the published CIFAR-10 ResNet-20/56 checkpoints on shared/data/cifar10-jpeg/test.

Decodes with PIL (Debian python3-pil), normalises as shared/data/README.md says, and writes
Fixtures/cifar10_predictions.json: per model the predicted class of every test image (sorted by
class folder, then file name) and the accuracy. Run with /usr/bin/python3 (torch 1.13)."""
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from cifar_resnet import CifarResNet  # noqa: E402

HERE = os.path.dirname(__file__)
DATA = os.path.join(HERE, "..", "..", "..", "..", "shared", "data")
TEST = os.path.join(DATA, "cifar10-jpeg", "test")
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)

classes = sorted(os.listdir(TEST))
files, labels = [], []
for index, name in enumerate(classes):
    for f in sorted(os.listdir(os.path.join(TEST, name))):
        files.append(os.path.join(TEST, name, f))
        labels.append(index)
pixels = np.stack([np.asarray(Image.open(f).convert("RGB"), dtype=np.float32) / 255.0 for f in files])
x = torch.from_numpy(((pixels - MEAN) / STD).transpose(0, 3, 1, 2).copy())
y = torch.tensor(labels)

out = {"classes": classes, "count": len(files)}
torch.set_num_threads(os.cpu_count())
for depth, file in [(20, "resnet20-12fca82f.th"), (56, "resnet56-4bfd9763.th")]:
    model = CifarResNet(depth)
    state = torch.load(os.path.join(DATA, "pretrained", "cifar10-resnet", file), map_location="cpu")["state_dict"]
    model.load_state_dict({k[len("module."):]: v for k, v in state.items()})
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + 500]) for i in range(0, len(x), 500)])
    pred = logits.argmax(1)
    out[f"resnet{depth}"] = {
        "file": file,
        "accuracy": (pred == y).float().mean().item(),
        "correct": int((pred == y).sum()),
        "predictions": pred.tolist(),
        "first_logits": logits[:4].tolist(),
    }
    print(f"resnet{depth}: {out[f'resnet{depth}']['correct']}/{len(files)} = {100 * out[f'resnet{depth}']['accuracy']:.2f}%")
with open(os.path.join(HERE, "..", "Fixtures", "cifar10_predictions.json"), "w") as f:
    json.dump(out, f)
