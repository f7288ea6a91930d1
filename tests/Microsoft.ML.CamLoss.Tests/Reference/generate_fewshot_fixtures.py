"""Writes Fixtures/fewshot.json: PyTorch reference values for the cosine classifier (Baseline++) and
for the episode classifier fit.

Written from the formulas, not from the C# code:
- cosine logits z = s * F.linear(F.normalize(f), F.normalize(W)), per classifier; their gradients
  through a cross-entropy loss (float64 from float32 inputs);
- the fit of one episode's classifier as Chen et al. describe it: a bias-free weight, PyTorch's
  SGD (lr 0.01, momentum 0.9, dampening 0.9, weight decay 0.001), cross-entropy on mini-batches of
  4 support features in a given order, one optimiser per episode (the C# code fits episodes batched).

Run with Debian's python3-torch:
    /usr/bin/python3 tests/Microsoft.ML.CamLoss.Tests/Reference/generate_fewshot_fixtures.py
The output is committed so CI needs no Python.
"""
import json
import os

import torch
import torch.nn.functional as F

from generate_loss_fixtures import t  # {shape, dtype, data}, floats to 9 significant digits

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "fewshot.json")


def cosine_logits(f, w, scale):
    """z[b, c] = s * <f_b / |f_b|, w_c / |w_c|>, the norms floored at 1e-12 (F.normalize)."""
    return scale * F.linear(F.normalize(f, dim=-1), F.normalize(w, dim=-1))


def logits_case(seed, batch, channels, classes, scale):
    g = torch.Generator().manual_seed(seed)
    features = torch.randn(batch, channels, generator=g).relu()   # pooled ReLU features are >= 0
    features[0] = 0                                                 # an all-zero feature: logits 0, no NaN
    weight = torch.randn(classes, channels, generator=g)
    labels = torch.randint(0, classes, (batch,), generator=g)
    f = features.double().requires_grad_()
    w = weight.double().requires_grad_()
    z = cosine_logits(f, w, scale)
    loss = F.cross_entropy(z, labels)
    loss.backward()
    return {
        "scale": scale,
        "features": t(features),
        "weight": t(weight),
        "labels": t(labels),
        "logits": t(z),
        "loss": float(loss.item()),
        "grad_features": t(f.grad),
        "grad_weight": t(w.grad),
    }


def batched_case(seed, episodes, batch, channels, classes, scale):
    g = torch.Generator().manual_seed(seed)
    features = torch.randn(episodes, batch, channels, generator=g)
    weight = torch.randn(episodes, classes, channels, generator=g)
    z = torch.stack([cosine_logits(features[e].double(), weight[e].double(), scale) for e in range(episodes)])
    return {"scale": scale, "features": t(features), "weight": t(weight), "logits": t(z)}


def fit_case(seed, episodes, way, shot, channels, epochs, batch_size, scale):
    g = torch.Generator().manual_seed(seed)
    support = torch.randn(episodes, way * shot, channels, generator=g).relu()
    bound = 1 / channels ** 0.5
    initial = (torch.rand(episodes, way, channels, generator=g) * 2 - 1) * bound
    orders = torch.stack([torch.stack([torch.randperm(way * shot, generator=g) for _ in range(epochs)]) for _ in range(episodes)])
    labels = torch.arange(way).repeat_interleave(shot)  # class-major support
    fitted = []
    for e in range(episodes):
        weight = torch.nn.Parameter(initial[e].clone())
        sgd = torch.optim.SGD([weight], lr=0.01, momentum=0.9, dampening=0.9, weight_decay=0.001)
        for epoch in range(epochs):
            order = orders[e, epoch]
            for start in range(0, way * shot, batch_size):
                rows = order[start:start + batch_size]
                sgd.zero_grad()
                F.cross_entropy(cosine_logits(support[e, rows], weight, scale), labels[rows]).backward()
                sgd.step()
        fitted.append(weight.detach())
    return {
        "way": way, "shot": shot, "epochs": epochs, "batch_size": batch_size, "scale": scale,
        "support": t(support), "initial": t(initial), "orders": t(orders), "fitted": t(torch.stack(fitted)),
    }


def main():
    fixture = {
        "generator": "generate_fewshot_fixtures.py, torch " + torch.__version__,
        "logits": logits_case(1, 6, 8, 5, 10.0),
        "logits_scale2": logits_case(2, 4, 16, 3, 2.0),
        "batched": batched_case(3, 3, 4, 8, 5, 2.5),
        "fit": fit_case(4, 2, 3, 3, 8, 5, 4, 10.0),   # 9 support images: batches of 4, 4, 1
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
