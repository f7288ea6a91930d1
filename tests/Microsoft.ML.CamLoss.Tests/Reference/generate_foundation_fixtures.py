"""Writes Fixtures/foundation.json: PyTorch 1.13 reference values for the engine tests (Engine/).

The small CNN's initialisation, loss, gradients, SGD and AdamW steps; functional ops; seeded
random draws; autograd.grad with create_graph; the cosine schedule. The C# side runs them on
TorchSharp (libtorch 2.10) at the tolerances stated in each test.

Run with Debian's python3-torch (PyTorch 1.13):
    /usr/bin/python3 tests/Microsoft.ML.CamLoss.Tests/Reference/generate_foundation_fixtures.py
The output is committed so CI needs no Python. The committed file is the reference: a rerun on
another machine moves float32 results by a few ulps (summation order of its CPU kernels), well
inside the tests' tolerances, and the seeded draws stay bit-identical.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from small_cnn import SmallCnn  # noqa: E402

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "foundation.json")


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "dtype": str(x.dtype).replace("torch.", ""), "data": x.flatten().tolist()}


def state(model):
    return {k: t(v) for k, v in model.state_dict().items()}


def small_cnn_case():
    # Initialisation from the seeded generator: TorchSharp's layer factories must draw the same numbers.
    torch.manual_seed(0)
    model = SmallCnn()
    init_state = state(model)

    # Given weights (independent of Init) and a batch.
    torch.manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
        model.bn.running_mean.copy_(torch.randn(8) * 0.1)
        model.bn.running_var.copy_(torch.rand(8) + 0.5)
    weights = state(model)
    x = torch.randn(4, 3, 8, 8)
    y = torch.tensor([3, 0, 9, 3])

    model.train()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    grads = {k: t(p.grad) for k, p in model.named_parameters()}

    # Two SGD-with-momentum steps (the second uses the momentum buffer).
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
    opt.step()
    opt.zero_grad(set_to_none=True)
    F.cross_entropy(model(x), y).backward()
    opt.step()
    after_sgd = state(model)

    model.eval()
    with torch.no_grad():
        eval_logits = model(x)

    # AdamW from the given weights, three steps.
    model.load_state_dict({k: torch.tensor(v["data"]).view(v["shape"]).to(getattr(torch, v["dtype"])) for k, v in weights.items()})
    model.train()
    # conv.bias is not optimised: BatchNorm cancels any per-channel shift, so its true gradient is 0
    # and the computed one is rounding noise that AdamW's m/sqrt(v) would amplify to +-lr.
    adamw = torch.optim.AdamW([p for n, p in model.named_parameters() if n != "conv.bias"], lr=0.01, weight_decay=0.05)
    for _ in range(3):
        adamw.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        adamw.step()
    after_adamw = state(model)

    return {
        "init_seed": 0,
        "init_state": init_state,
        "weights": weights,
        "input": t(x),
        "labels": t(y),
        "loss": loss.item(),
        "grads": grads,
        "sgd": {"lr": 0.1, "momentum": 0.9, "weight_decay": 5e-4, "nesterov": True, "state_after_two_steps": after_sgd},
        "eval_logits": t(eval_logits),
        "adamw": {"lr": 0.01, "weight_decay": 0.05, "state_after_three_steps": after_adamw},
    }


def functional_case():
    torch.manual_seed(2)
    x = torch.randn(2, 3, 5, 6)
    logits = torch.randn(4, 5)
    soft = torch.softmax(torch.randn(4, 5), dim=1)
    labels = torch.tensor([1, 4, 0, 2])
    a, b = torch.randn(3, 4), torch.randn(3, 4)
    return {
        "x": t(x),
        "logits": t(logits),
        "soft_targets": t(soft),
        "labels": t(labels),
        "a": t(a),
        "b": t(b),
        "bilinear_7x9": t(F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=False)),
        "bilinear_aligned_7x9": t(F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=True)),
        "bilinear_antialias_3x2": t(F.interpolate(x, size=(3, 2), mode="bilinear", align_corners=False, antialias=True)),
        "pad_reflect_1122": t(F.pad(x, (1, 1, 2, 2), mode="reflect")),
        "pad_constant_2011": t(F.pad(x, (2, 0, 1, 1), value=0.5)),
        "avg_pool_3_2_1": t(F.avg_pool2d(x, 3, 2, 1)),
        "max_pool_2": t(F.max_pool2d(x, 2)),
        "adaptive_avg_2x3": t(F.adaptive_avg_pool2d(x, (2, 3))),
        "adaptive_max_1x1": t(F.adaptive_max_pool2d(x, 1)),
        "softmax_dim1": t(F.softmax(logits, 1)),
        "log_softmax_dim1": t(F.log_softmax(logits, 1)),
        "cross_entropy_hard": F.cross_entropy(logits, labels).item(),
        "cross_entropy_soft": F.cross_entropy(logits, soft).item(),
        "cross_entropy_smoothed": F.cross_entropy(logits, labels, label_smoothing=0.1).item(),
        "nll": F.nll_loss(F.log_softmax(logits, 1), labels).item(),
        "kl_div_batchmean": F.kl_div(F.log_softmax(logits, 1), soft, reduction="batchmean").item(),
        "l1": F.l1_loss(a, b).item(),
        "mse_sum": F.mse_loss(a, b, reduction="sum").item(),
        "randn_seed7_2x3": t((torch.manual_seed(7), torch.randn(2, 3))[1]),
        "rand_seed7_4": t((torch.manual_seed(7), torch.rand(4))[1]),
    }


def autograd_case():
    # Double backward through autograd.grad with create_graph (what ICASC-style losses need).
    torch.manual_seed(3)
    w = torch.randn(3, 4, requires_grad=True)
    x = torch.randn(2, 4)
    z = (x @ w.t()).tanh().sum()
    (g,) = torch.autograd.grad(z, w, create_graph=True)
    penalty = (g ** 2).sum()
    (gg,) = torch.autograd.grad(penalty, w)
    return {"w": t(w), "x": t(x), "grad": t(g), "grad_of_grad_norm": t(gg)}


def schedule_case():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.1)
    lrs = []
    for _ in range(12):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return {"cosine_T10_min0.1": lrs}


fixture = {
    "generator": "tests/Microsoft.ML.CamLoss.Tests/Reference/generate_foundation_fixtures.py",
    "torch_version": torch.__version__,
    "small_cnn": small_cnn_case(),
    "functional": functional_case(),
    "autograd": autograd_case(),
    "schedules": schedule_case(),
}
with open(OUT, "w") as f:
    json.dump(fixture, f)
print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")
