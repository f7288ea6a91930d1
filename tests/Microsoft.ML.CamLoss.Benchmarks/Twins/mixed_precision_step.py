"""PyTorch twin of MixedPrecisionSpeed.cs: one training step of ResNet-20 (CIFAR) or torchvision's ResNet-18
with cross-entropy or CE + CAM-loss (alpha 3, l1, CAM from the detached head weight), SGD (lr 0.01, momentum
0.9, weight decay 5e-4), in fp32, under bf16 autocast (torch.autocast("cpu"/"cuda", torch.bfloat16), as the
PyTorch documentation shows it), or under bf16 autocast with channels-last model and input. As in our step,
the CAM-loss terms read the last feature map in float32 (autocast would run the CAM's product in bf16).

Prints one JSON line (twin_timing.report)."""
import os
import sys

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
from cifar_resnet import CifarResNet  # noqa: E402
from twin_timing import parser, report, setup  # noqa: E402

p = parser()
p.add_argument("--arch", choices=["resnet20", "resnet18"], required=True)
p.add_argument("--loss", choices=["ce", "cam"], required=True)
p.add_argument("--precision", choices=["fp32", "bf16", "bf16-channels-last"], required=True)
p.add_argument("--batch", type=int, required=True)
p.add_argument("--image", type=int, required=True)
a = p.parse_args()

setup(a)
cifar = a.arch == "resnet20"
model = CifarResNet(20) if cifar else torchvision.models.resnet18(num_classes=10)
head = model.linear if cifar else model.fc
taps = {}
(model.layer3 if cifar else model.layer4).register_forward_hook(lambda m, i, o: taps.__setitem__("last", o))
x = torch.randn(a.batch, 3, a.image, a.image)
y = torch.randint(0, 10, (a.batch,))
if a.precision == "bf16-channels-last":
    model = model.to(memory_format=torch.channels_last)
    x = x.to(memory_format=torch.channels_last)
model.train()
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
EPS = 1e-8


def normalise(m):
    lo = m.amin(dim=(-2, -1), keepdim=True)
    hi = m.amax(dim=(-2, -1), keepdim=True)
    return (m - lo) / (hi - lo + EPS)


def loss_of(logits):
    ce = F.cross_entropy(logits.float(), y)
    if a.loss == "ce":
        return ce
    last = taps["last"].float()
    cam = torch.einsum("bk,bkhw->bhw", head.weight.detach()[y], last)
    return ce + 3.0 * (normalise(last.sum(1)) - normalise(cam)).abs().mean()


def step():
    opt.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision != "fp32"):
        loss = loss_of(model(x))
    loss.backward()
    opt.step()


report(step, a)
