"""PyTorch twin of ImageNetFineTuneThroughput.cs: fine-tuning the ImageNet ResNet-18 of the NuGet package
Microsoft.ML.DnnImageFeaturizer.ResNet18 with CAM-loss (alpha 3 from the first step), as our trainer does.

The weights come from the package's ResNet18.onnx, mapped onto torchvision's names by following the graph
(the CNTK network is torchvision's ResNet-18 with a third block in layer4; it reads BGR, so conv1's input
channels are reversed to read RGB and scaled by 255 x ImageNet's std); the preprocessing is the package's mean
image (ResNetPreprocess.onnx) on 0-255 RGB values, resized to the crop, divided by that std. Data: the same CUB JPEGs (PIL), resize the shorter side to
8/7 of the crop, random crop, flip; DataLoader with 1 worker; SGD momentum 0.9, weight decay 5e-4, head 10x.

Prints one JSON line: {"images_per_second": ..., "check_features": [...512 pooled features of a fixed picture]}.
"""
import argparse
import json
import time
from collections import defaultdict

import numpy as np
import onnx
import torch
import torch.nn.functional as F
import torchvision
from onnx import numpy_helper
from PIL import Image
from torchvision import transforms
from torchvision.models.resnet import BasicBlock

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, required=True)
p.add_argument("--models", required=True)
p.add_argument("--images", required=True)
p.add_argument("--classes", type=int, required=True)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--size", type=int, default=128)
p.add_argument("--skip", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)
STD = 255 * torch.tensor([0.229, 0.224, 0.225])


def cntk_state_dict(path):
    graph = onnx.load(path).graph
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    readers = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            readers[name].append(node)

    def only(tensor, op):
        (node,) = readers[tensor]
        assert node.op_type == op, (tensor, node.op_type, op)
        return node

    state = {}

    def conv(node, name):
        state[name + ".weight"] = weights[node.input[1]]
        return node.output[0]

    def bn(node, name):
        for key, source in zip(["weight", "bias", "running_mean", "running_var"], node.input[1:]):
            state[f"{name}.{key}"] = weights[source]
        return node.output[0]

    x = conv(only(graph.input[0].name, "Conv"), "conv1")
    x = bn(only(x, "BatchNormalization"), "bn1")
    x = only(only(x, "Relu").output[0], "MaxPool").output[0]
    stage, block = 1, 0
    while readers[x][0].op_type != "AveragePool":
        convs = [n for n in readers[x] if n.op_type == "Conv"]
        main = next(c for c in convs if readers[readers[c.output[0]][0].output[0]][0].op_type == "Relu")
        shortcut = [c for c in convs if c is not main]
        strides = next(attr.ints for attr in main.attribute if attr.name == "strides")
        if strides[0] == 2:
            stage, block = stage + 1, 0
        prefix = f"layer{stage}.{block}"
        y = bn(only(conv(main, prefix + ".conv1"), "BatchNormalization"), prefix + ".bn1")
        y = only(y, "Relu").output[0]
        y = bn(only(conv(only(y, "Conv"), prefix + ".conv2"), "BatchNormalization"), prefix + ".bn2")
        if shortcut:
            bn(only(conv(shortcut[0], prefix + ".downsample.0"), "BatchNormalization"), prefix + ".downsample.1")
        x = only(only(y, "Add").output[0], "Relu").output[0]
        block += 1
    # BGR -> RGB, and inputs divided by 255 x ImageNet's std (as ImageNetWeights.cs: the same features from unit-scale inputs)
    state["conv1.weight"] = state["conv1.weight"].flip(1).contiguous() * STD.view(1, 3, 1, 1)
    return state


model = torchvision.models.resnet18(num_classes=a.classes)
model.layer4.add_module("2", BasicBlock(512, 512))
missing, unexpected = model.load_state_dict(cntk_state_dict(f"{a.models}/ResNet18Onnx/ResNet18.onnx"), strict=False)
assert set(missing) == {"fc.weight", "fc.bias"} | {k for k in missing if k.endswith("num_batches_tracked")}, missing
assert not unexpected, unexpected
mean_bgr = numpy_helper.to_array(onnx.load(f"{a.models}/ResNetPrepOnnx/ResNetPreprocess.onnx").graph.initializer[0])
mean_rgb = torch.from_numpy(mean_bgr[0, ::-1].copy())  # [3, 224, 224], 0-255
mean = F.interpolate(mean_rgb[None], size=(a.size, a.size), mode="bilinear", align_corners=False, antialias=True)[0]


def features(picture):
    model.eval()
    with torch.no_grad():
        x = model.conv1(((picture - mean) / STD.view(3, 1, 1))[None])
        x = model.maxpool(model.relu(model.bn1(x)))
        x = model.layer4(model.layer3(model.layer2(model.layer1(x))))
    model.train()
    return x.mean((2, 3))[0]


c, y, x = torch.arange(3).view(3, 1, 1), torch.arange(a.size).view(1, a.size, 1), torch.arange(a.size).view(1, 1, a.size)
check = features(((7 * y + 3 * x + 50 * c) % 256).float())


class Cub(torch.utils.data.Dataset):
    def __init__(self, listing):
        self.rows = [(int(label), path) for label, path in (line.split(" ", 1) for line in open(listing).read().splitlines())]
        self.transform = transforms.Compose([
            transforms.Resize(a.size * 8 // 7), transforms.RandomCrop(a.size), transforms.RandomHorizontalFlip(), transforms.PILToTensor()])

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        label, path = self.rows[i]
        return (self.transform(Image.open(path).convert("RGB")).float() - mean) / STD.view(3, 1, 1), label


loader = torch.utils.data.DataLoader(Cub(a.images), batch_size=a.batch, shuffle=True, num_workers=1)
head = [model.fc.weight, model.fc.bias]
backbone = [q for n, q in model.named_parameters() if not n.startswith("fc.")]
sgd = torch.optim.SGD([{"params": backbone, "lr": 0.01}, {"params": head, "lr": 0.1}], lr=0.01, momentum=0.9, weight_decay=5e-4)


def normalise(m):
    flat = m.flatten(1)
    low, high = flat.min(1, keepdim=True).values, flat.max(1, keepdim=True).values
    return ((flat - low) / (high - low + 1e-8)).view_as(m)


model.train()
marks = []
for step, (images, labels) in enumerate(loader, start=1):
    sgd.zero_grad(set_to_none=True)
    h = model.maxpool(model.relu(model.bn1(model.conv1(images))))
    last = model.layer4(model.layer3(model.layer2(model.layer1(h))))
    logits = model.fc(last.mean((2, 3)))
    cam = torch.einsum("bkhw,bk->bhw", last, model.fc.weight.detach()[labels])
    caam = last.sum(1)
    loss = F.cross_entropy(logits, labels) + 3 * (normalise(caam) - normalise(cam)).abs().mean()
    loss.backward()
    sgd.step()
    loss.item()
    marks.append((step, min(step * a.batch, len(loader.dataset)), time.perf_counter()))
first = next(m for m in marks if m[0] == a.skip)
last = marks[-1]
print(json.dumps({"images_per_second": (last[1] - first[1]) / (last[2] - first[2]), "check_features": check.tolist()}))
