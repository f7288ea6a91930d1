"""PyTorch twin of LossOverhead.cs: ResNet-20 (CIFAR) training steps with cross-entropy alone, with
CE + CAM-loss (alpha 3, l1) and with ICASC (channel-weighted attention, sigma .55, omega 100, theta .8),
interleaved CE, CAM, ICASC, CE, ... on one model; written vectorised, as a PyTorch user would.

Prints one JSON line: {"ce_ms": ..., "cam_ms": ..., "icasc_ms": ...} (medians)."""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from cifar_resnet import CifarResNet  # noqa: E402
from twin_timing import parser, setup  # noqa: E402

p = parser()
p.add_argument("--batch", type=int, default=128)
a = p.parse_args()

setup(a)
model = CifarResNet(20)
taps = {}
model.layer2.register_forward_hook(lambda m, i, o: taps.__setitem__("inner", o))
model.layer3.register_forward_hook(lambda m, i, o: taps.__setitem__("last", o))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
x = torch.randn(a.batch, 3, 32, 32)
y = torch.randint(0, 10, (a.batch,))
EPS = 1e-8


def normalise(m):
    lo = m.amin(dim=(-2, -1), keepdim=True)
    hi = m.amax(dim=(-2, -1), keepdim=True)
    return (m - lo) / (hi - lo + EPS)


def ce_loss(logits):
    return F.cross_entropy(logits, y)


def cam_loss(logits):
    last = taps["last"]
    cam = torch.einsum("bk,bkhw->bhw", model.linear.weight.detach()[y], last)
    l_cam = (normalise(last.sum(1)) - normalise(cam)).abs().mean()
    return F.cross_entropy(logits, y) + 3.0 * l_cam


def attention(logits, feats, classes):
    target = logits.gather(1, classes[:, None]).sum()
    grads = torch.autograd.grad(target, feats, retain_graph=True)
    return [torch.relu(torch.einsum("bk,bkhw->bhw", g.clamp(min=0).mean(dim=(2, 3)), f)) for f, g in zip(feats, grads)]


def icasc_loss(logits, sigma=0.55, omega=100.0, theta=0.8):
    feats = [taps["inner"], taps["last"]]
    confusing = logits.detach().scatter(1, y[:, None], float("-inf")).argmax(1)
    ay_in, ay_last = attention(logits, feats, y)
    ac_in, ac_last = attention(logits, feats, confusing)
    peak = ay_last.amax(dim=(1, 2), keepdim=True).clamp(min=EPS)
    mask_last = torch.sigmoid(omega * (ay_last / peak - sigma))
    mask_in = F.interpolate(mask_last[:, None], size=ay_in.shape[-2:], mode="bilinear", align_corners=False)[:, 0]

    def separation(t, c, m):
        return (2 * (torch.minimum(t, c) * m).sum((1, 2)) / (t + c).sum((1, 2)).clamp(min=EPS)).mean()

    consistency = theta - ((ay_in * mask_in).sum((1, 2)) / ay_in.sum((1, 2)).clamp(min=EPS)).mean()
    return F.cross_entropy(logits, y) + separation(ay_in, ac_in, mask_in) + separation(ay_last, ac_last, mask_last) + consistency


losses = [ce_loss, cam_loss, icasc_loss]
times = [[] for _ in losses]
for i in range(a.warmup + a.steps):
    for k, loss in enumerate(losses):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss(model(x)).backward()
        opt.step()
        if i >= a.warmup:
            times[k].append((time.perf_counter() - t0) * 1000)

medians = [sorted(t)[len(t) // 2] for t in times]
print(json.dumps({"ce_ms": medians[0], "cam_ms": medians[1], "icasc_ms": medians[2]}))
