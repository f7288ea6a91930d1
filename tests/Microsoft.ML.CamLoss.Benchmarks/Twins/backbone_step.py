"""PyTorch twin of the C# backbone benchmarks: a training step (SGD momentum, cross-entropy) or an
evaluation forward pass of ResNet-20 (CIFAR) or torchvision's ResNet-18, same shapes and threads.

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
p.add_argument("--mode", choices=["train", "eval"], required=True)
p.add_argument("--batch", type=int, required=True)
p.add_argument("--image", type=int, required=True)
a = p.parse_args()

setup(a)
model = CifarResNet(20) if a.arch == "resnet20" else torchvision.models.resnet18(num_classes=10)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
x = torch.randn(a.batch, 3, a.image, a.image)
y = torch.randint(0, 10, (a.batch,))


def train_step():
    opt.zero_grad(set_to_none=True)
    F.cross_entropy(model(x), y).backward()
    opt.step()


def eval_step():
    with torch.no_grad():
        model(x).argmax(1)


step = train_step if a.mode == "train" else eval_step
model.train(a.mode == "train")
report(step, a)
