"""Writes Fixtures/seeded_draws.json: PyTorch 1.13's CPU generator draws after torch.manual_seed.

Checks, beyond foundation.json's small randn/rand and the small CNN's initialisation, the paths a
seeded run goes through: normal draws long enough for libtorch's vectorised path (16 or more
values), kaiming_normal_ as torchvision initialises convolutions, randint, randperm, dropout's
Bernoulli mask and uniform_. The C# side (Engine/SeededDrawsTests.cs) requires identical values.

Run with Debian's python3-torch (PyTorch 1.13):
    /usr/bin/python3 tests/Microsoft.ML.CamLoss.Tests/Reference/generate_seeded_draws_fixtures.py
The output is committed so CI needs no Python.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "seeded_draws.json")


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "dtype": str(x.dtype).replace("torch.", ""), "data": x.flatten().tolist()}


def seeded(seed, draw):
    torch.manual_seed(seed)
    return t(draw())


def kaiming_conv():
    w = torch.empty(8, 16, 3, 3)
    torch.nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    return w


fixture = {
    "generator": "tests/Microsoft.ML.CamLoss.Tests/Reference/generate_seeded_draws_fixtures.py",
    "torch_version": torch.__version__,
    "randn_seed3_64": seeded(3, lambda: torch.randn(64)),
    "kaiming_normal_fan_out_relu_seed4_8x16x3x3": seeded(4, kaiming_conv),
    "randint_0_10_seed5_20": seeded(5, lambda: torch.randint(0, 10, (20,))),
    "randperm_seed6_10": seeded(6, lambda: torch.randperm(10)),
    "dropout_half_seed7_ones_32": seeded(7, lambda: F.dropout(torch.ones(32), 0.5)),
    "uniform_minus1_1_seed8_16": seeded(8, lambda: torch.empty(16).uniform_(-1, 1)),
}
with open(OUT, "w") as f:
    json.dump(fixture, f)
print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")
