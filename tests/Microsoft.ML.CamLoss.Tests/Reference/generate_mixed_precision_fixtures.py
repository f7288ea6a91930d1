"""Writes Fixtures/mixed_precision/: what PyTorch 1.13's bf16 autocast does to CAM-loss and the backbone's
gradients, for MixedPrecisionNumericsTests.

A ResNet-8 (CIFAR, option A, 4 classes; cifar_resnet.py) at its seeded initialisation, in training mode, on one
batch of 16 random 16x16 images: CAM-loss (alpha 3, l1, the head weight detached in the CAM, the min-max
normalisation of METHOD.md) once in float32 and once with the network under
torch.autocast("cpu", dtype=torch.bfloat16); the loss terms read the last feature map and the logits in float32,
as our mixed-precision policy does. Written:
  resnet8.pt   torch.save of the state dict plus "input.images" [16,3,16,16] and "input.labels" [16]
  resnet8.json the float32 and bf16 loss terms, each parameter's float32 gradient norm, and each parameter's
               bf16-vs-float32 gradient error |g_bf16 - g_fp32|_2 / |g_fp32|_2 under autocast, and that error over
               all parameters together.

Run with Debian's python3-torch:
    /usr/bin/python3 tests/Microsoft.ML.CamLoss.Tests/Reference/generate_mixed_precision_fixtures.py
"""
import json
import os

import torch
import torch.nn.functional as F

from cifar_resnet import CifarResNet

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "mixed_precision")
EPS_REL, EPS_ABS, ALPHA = 1e-8, 1e-12, 3.0

torch.manual_seed(18)
model = CifarResNet(8, classes=4)
for m in model.modules():
    if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
        torch.nn.init.kaiming_normal_(m.weight)
model.train()
taps = {}
model.layer3.register_forward_hook(lambda m, i, o: taps.__setitem__("last", o))
images = torch.randn(16, 3, 16, 16)
labels = torch.randint(0, 4, (16,))


def normalise(m):
    lo = m.amin(dim=-1, keepdim=True)
    hi = m.amax(dim=-1, keepdim=True)
    return (m - lo) / (hi - lo + EPS_REL * (hi.abs() + lo.abs()) + EPS_ABS)


def run(bf16):
    model.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        logits = model(images)
    last, logits = taps["last"].float(), logits.float()
    ce = F.cross_entropy(logits, labels)
    cams = torch.einsum("bk,bkn->bn", model.linear.weight.detach()[labels], last.flatten(2))
    cam = (normalise(last.flatten(2).sum(1)) - normalise(cams)).abs().mean()
    total = ce + ALPHA * cam
    total.backward()
    terms = {"total": total.item(), "ce": ce.item(), "cam": cam.item()}
    return terms, {n: p.grad.detach().clone() for n, p in model.named_parameters()}


state = {k: v.clone() for k, v in model.state_dict().items()}
fp32, g32 = run(False)
bf16, g16 = run(True)
os.makedirs(OUT, exist_ok=True)
torch.save({**state, "input.images": images, "input.labels": labels}, os.path.join(OUT, "resnet8.pt"))
with open(os.path.join(OUT, "resnet8.json"), "w") as f:
    json.dump({
        "torch": torch.__version__,
        "alpha": ALPHA,
        "fp32": fp32,
        "bf16": bf16,
        "grad_norms_fp32": {n: g.norm().item() for n, g in g32.items()},
        "grad_errors_bf16": {n: ((g16[n] - g).norm() / g.norm()).item() for n, g in g32.items()},
        "grad_error_all_bf16": (torch.cat([(g16[n] - g).flatten() for n, g in g32.items()]).norm()
                                / torch.cat([g.flatten() for g in g32.values()]).norm()).item(),
    }, f, indent=1)
errors = sorted(((g16[n] - g).norm() / g.norm()).item() for n, g in g32.items())
print("loss fp32", fp32, "bf16", bf16, "grad errors median", errors[len(errors) // 2], "max", errors[-1])
