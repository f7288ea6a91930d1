"""PyTorch twin of the C# SmallCnn training-step benchmark: same model, batch, optimiser, threads.

Prints one JSON line: {"ms_per_step": [...per-round medians...]}.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from small_cnn import SmallCnn  # noqa: E402
from twin_timing import parser, report, setup  # noqa: E402

p = parser()
p.add_argument("--batch", type=int, required=True)
p.add_argument("--channels", type=int, required=True)
p.add_argument("--image", type=int, required=True)
a = p.parse_args()

setup(a)
model = SmallCnn(a.channels, a.image)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
x = torch.randn(a.batch, 3, a.image, a.image)
y = torch.randint(0, 10, (a.batch,))


def step():
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()


report(step, a)
