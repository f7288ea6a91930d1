"""PyTorch twin of the C# peak-memory case (PeakMemory.cs): a fresh process that imports torch,
builds the CIFAR ResNet-20 and runs `steps` training steps (SGD momentum, cross-entropy) on a
random batch. Prints one JSON line: {"baseline_mb": the peak resident size after `import torch`,
before the model, "peak_mb": the peak at the end}, both VmHWM from /proc/self/status in MiB, as the C#
side reads them. (Not getrusage's ru_maxrss: after fork + exec it still holds the parent's resident
size at the fork, which makes the twin look as large as the benchmark process that started it.)"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from cifar_resnet import CifarResNet  # noqa: E402
from twin_timing import parser, setup  # noqa: E402


def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


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
