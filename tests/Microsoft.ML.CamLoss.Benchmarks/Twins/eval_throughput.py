"""PyTorch twin of the C# evaluation-throughput case (EvaluationThroughput.cs): the published
CIFAR-10 ResNet-20 (legacy torch.save, keys prefixed `module.`) scores every k-th image of a
torchvision ImageFolder (k = len // images, the C# side's choice) through a DataLoader (PIL decode,
ToTensor, ImageNet Normalize; `workers` processes; batches of `batch`), eval mode, no grad,
softmax to NumPy. After a warm-up pass over 256 images, times one whole pass, loader start-up
included. Prints one JSON line: {"images_per_second": ..., "accuracy": ...}."""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F
import torchvision
import torchvision.transforms as T

sys.path.insert(0, os.path.dirname(__file__))
from cifar_resnet import CifarResNet  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--root", required=True)
p.add_argument("--checkpoint", required=True)
p.add_argument("--threads", type=int, required=True)
p.add_argument("--workers", type=int, required=True)
p.add_argument("--batch", type=int, required=True)
p.add_argument("--images", type=int, required=True)
a = p.parse_args()
torch.set_num_threads(a.threads)

state = torch.load(a.checkpoint, map_location="cpu")["state_dict"]
model = CifarResNet(20)
model.load_state_dict({k.removeprefix("module."): v for k, v in state.items()})
model.eval()

transform = T.Compose([T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
folder = torchvision.datasets.ImageFolder(a.root, transform=transform)
step = max(1, len(folder) // a.images)
data = torch.utils.data.Subset(folder, list(range(0, len(folder), step))[:a.images])


def score(dataset):
    loader = torch.utils.data.DataLoader(dataset, batch_size=a.batch, shuffle=False, num_workers=a.workers)
    correct = 0
    with torch.no_grad():
        for x, y in loader:
            probabilities = F.softmax(model(x), 1).numpy()
            correct += int((probabilities.argmax(1) == y.numpy()).sum())
    return correct


score(torch.utils.data.Subset(data, range(256)))  # warm-up
start = time.perf_counter()
correct = score(data)
seconds = time.perf_counter() - start
print(json.dumps({"images_per_second": len(data) / seconds, "accuracy": correct / len(data)}))
