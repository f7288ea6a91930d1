"""PyTorch twin of the C# leak check (LeakCheck.cs): CIFAR ResNet-8 trained with CAM-loss on the
first `images` Fashion-MNIST training images (Debian's dataset-fashion-mnist, gzipped IDX) held in
memory: grey to RGB, pad-2 random crop, horizontal flip, ImageNet normalisation, batch 128, SGD lr
0.1 momentum 0.9 weight decay 5e-4 with per-step cosine decay, L = CE + 3·L_cam from epoch 1
(L_cam = mean |N(CAAM) − N(CAM_y)|, head weight detached). Prints one JSON line:
{"rss_mb": [VmRSS at the end of each epoch, MiB]}."""
import gzip
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from cifar_resnet import CifarResNet  # noqa: E402

import argparse  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, required=True)
p.add_argument("--images", type=int, required=True)
p.add_argument("--epochs", type=int, required=True)
p.add_argument("--folder", default="/usr/share/datasets/fashion-mnist")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)


def idx(name):
    with gzip.open(os.path.join(a.folder, name)) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


def normalize(m):
    flat = m.flatten(1)
    lo, hi = flat.min(1, keepdim=True)[0], flat.max(1, keepdim=True)[0]
    return ((flat - lo) / (hi - lo + 1e-8)).view_as(m)


images = torch.from_numpy(idx("train-images-idx3-ubyte.gz")[:a.images].copy())
labels = torch.from_numpy(idx("train-labels-idx1-ubyte.gz")[:a.images].astype(np.int64))
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

model = CifarResNet(8)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
batch = 128
steps_per_epoch = math.ceil(a.images / batch)
total = steps_per_epoch * a.epochs
step = 0
rss = []
for epoch in range(a.epochs):
    model.train()
    order = torch.randperm(a.images)
    for start in range(0, a.images, batch):
        index = order[start:start + batch]
        x = F.pad(images[index].float().div(255).unsqueeze(1).expand(-1, 3, -1, -1), (2, 2, 2, 2))
        dy, dx = torch.randint(0, 5, (2, len(index)))
        x = torch.stack([x[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28] for i in range(len(index))])
        flip = torch.rand(len(index)) < 0.5
        x[flip] = x[flip].flip(3)
        x = (x - mean) / std
        y = labels[index]
        for group in opt.param_groups:
            group["lr"] = 0.1 * 0.5 * (1 + math.cos(math.pi * step / total))
        features = model.layer3(model.layer2(model.layer1(F.relu(model.bn1(model.conv1(x))))))
        logits = model.linear(F.adaptive_avg_pool2d(features, 1).flatten(1))
        loss = F.cross_entropy(logits, y)
        if epoch >= 1:
            cam = torch.einsum("bk,bkhw->bhw", model.linear.weight.detach()[y], features)
            loss = loss + 3 * (normalize(features.sum(1)) - normalize(cam)).abs().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
    rss.append(rss_mb())
print(json.dumps({"rss_mb": rss}))
