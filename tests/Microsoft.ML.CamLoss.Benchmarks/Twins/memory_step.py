"""PyTorch twin of the C# peak-memory case (PeakMemory.cs): a fresh process that imports torch,
builds the CIFAR ResNet-20 and runs `steps` training steps (SGD momentum, cross-entropy) on a
random batch. Prints one JSON line: {"baseline_mb": ru_maxrss after `import torch`, before the
model, "peak_mb": ru_maxrss at the end} (ru_maxrss is in KiB on Linux; reported in MiB)."""
import json
import os
import resource
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from cifar_resnet import CifarResNet  # noqa: E402
from twin_timing import parser, setup  # noqa: E402


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


p = parser()
p.add_argument("--batch", type=int, required=True)
p.add_argument("--image", type=int, required=True)
a = p.parse_args()

setup(a)
baseline = peak_mb()
model = CifarResNet(20)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
x = torch.randn(a.batch, 3, a.image, a.image)
y = torch.randint(0, 10, (a.batch,))
for _ in range(a.warmup + a.steps):
    opt.zero_grad(set_to_none=True)
    F.cross_entropy(model(x), y).backward()
    opt.step()
print(json.dumps({"baseline_mb": baseline, "peak_mb": peak_mb()}))
