"""torchvision 0.14 reference outputs for ResNet-18, ResNet-50 and ResNeXt-50 32x4d.

Weights and input come from libtorch's seeded CPU generator (the same sequence in PyTorch and in
our shim), so only the expected outputs are stored: logits and the `last` tap (layer4 output) in
eval mode, as base64 float32, plus the state dict's keys and shapes. Writes Fixtures/torchvision.json.
Run with /usr/bin/python3 (Debian python3-torchvision)."""
import base64
import json
import os

import torch
import torchvision

HERE = os.path.dirname(__file__)


def b64(t):
    return base64.b64encode(t.detach().contiguous().numpy().astype("<f4").tobytes()).decode()


out = {"weight_seed": 0, "input_seed": 1, "input_shape": [2, 3, 96, 96]}
for name in ["resnet18", "resnet50", "resnext50_32x4d"]:
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)().eval()
    torch.manual_seed(1)
    x = torch.randn(*out["input_shape"])
    feats = {}
    model.layer4.register_forward_hook(lambda m, i, o: feats.__setitem__("last", o))
    with torch.no_grad():
        logits = model(x)
    sd = model.state_dict()
    out[name] = {
        "keys": list(sd.keys()),
        "shapes": [list(v.shape) for v in sd.values()],
        "fc_weight_sum": sd["fc.weight"].double().sum().item(),
        "logits_shape": list(logits.shape),
        "logits": b64(logits),
        "last_shape": list(feats["last"].shape),
        "last": b64(feats["last"]),
    }
    print(name, logits.shape, feats["last"].shape)
with open(os.path.join(HERE, "..", "Fixtures", "torchvision.json"), "w") as f:
    json.dump(out, f)
print(os.path.getsize(os.path.join(HERE, "..", "Fixtures", "torchvision.json")), "bytes")
