"""onnx.checker on graphs that `camloss export` writes, one per architecture family and export option.

For each case it saves a seeded PyTorch state dict of the network (the CIFAR ResNet of cifar_resnet.py,
a Wide-ResNet written below with the library's parameter names, torchvision's ResNet-18/50 and
ResNeXt-50 32x4d), exports it with the built camloss command (`camloss export --model X.pt --arch A
--classes ... --resize S --onnx X.onnx [--cam ...] [--cams] [--keep-batchnorm]`), then runs
onnx.checker.check_model(full_check=True) (operator schemas, types, and shape inference over the whole
graph) and records what was checked in Fixtures/onnx_checker.json: the onnx version, and per case the
command's options, the IR version, the opsets, the count of each operator and the inferred shapes of
the inputs and outputs. OnnxCheckerFixtureTests re-exports the same cases and asserts the graphs have
the same structure, so a change to the exporter asks for this script to run again.

Run from the repository root with Debian's Python (torch 1.13, torchvision 0.14, onnx 1.12), after
`dotnet build src/Microsoft.ML.CamLoss.Cli -c Release`:
    /usr/bin/python3 tests/Microsoft.ML.CamLoss.Tests/Reference/check_onnx_exports.py"""
import collections
import json
import os
import subprocess
import sys
import tempfile

import onnx
import torch
import torch.nn as nn
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
from cifar_resnet import CifarResNet  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CLI = os.path.join(ROOT, "src", "Microsoft.ML.CamLoss.Cli", "bin", "Release", "net10.0", "Microsoft.ML.CamLoss.Cli.dll")
OUT = os.path.join(HERE, "..", "Fixtures", "onnx_checker.json")


class WideBlock(nn.Module):
    """The parameters of the library's WideBasicBlock (bn1, conv1, bn2, conv2, convShortcut); forward not needed."""

    def __init__(self, inp, out, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inp)
        self.conv1 = nn.Conv2d(inp, out, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out)
        self.conv2 = nn.Conv2d(out, out, 3, 1, 1, bias=False)
        if inp != out or stride != 1:
            self.convShortcut = nn.Conv2d(inp, out, 1, stride, 0, bias=False)


class WideStage(nn.Module):
    def __init__(self, n, inp, out, stride):
        super().__init__()
        self.layer = nn.Sequential(*[WideBlock(inp if i == 0 else out, out, stride if i == 0 else 1) for i in range(n)])


class WideResNet(nn.Module):
    def __init__(self, depth, widen, classes):
        super().__init__()
        n, c = (depth - 4) // 6, [16, 16 * widen, 32 * widen, 64 * widen]
        self.conv1 = nn.Conv2d(3, c[0], 3, 1, 1, bias=False)
        self.block1, self.block2, self.block3 = (WideStage(n, c[i], c[i + 1], 1 if i == 0 else 2) for i in range(3))
        self.bn1 = nn.BatchNorm2d(c[3])
        self.fc = nn.Linear(c[3], classes)


# name, --arch, network factory, classes, --resize, extra export options
CASES = [
    ("resnet8-feature", "resnet8", lambda k: CifarResNet(8, k), 3, 32, []),
    ("resnet8-input-cams", "resnet8", lambda k: CifarResNet(8, k), 3, 32, ["--cam", "input", "--cams"]),
    ("resnet8-kept-batchnorm", "resnet8", lambda k: CifarResNet(8, k), 3, 32, ["--keep-batchnorm"]),
    ("resnet8-no-maps", "resnet8", lambda k: CifarResNet(8, k), 3, 32, ["--cam", "none"]),
    ("wrn16x2-feature", "wideresnet16x2", lambda k: WideResNet(16, 2, k), 4, 32, ["--cams"]),
    ("resnet18-input", "resnet18", lambda k: torchvision.models.resnet18(num_classes=k), 5, 64, ["--cam", "input"]),
    ("resnet50-feature", "resnet50", lambda k: torchvision.models.resnet50(num_classes=k), 3, 64, []),
    ("resnext50-kept-batchnorm", "resnext50x32x4d", lambda k: torchvision.models.resnext50_32x4d(num_classes=k), 3, 64, ["--keep-batchnorm"]),
]


def dims(value):
    return [d.dim_param if d.dim_param else d.dim_value for d in value.type.tensor_type.shape.dim]


def main():
    if not os.path.exists(CLI):
        sys.exit(f"{CLI} is missing: run 'dotnet build src/Microsoft.ML.CamLoss.Cli -c Release' first")
    record = {"onnx": onnx.__version__, "torch": torch.__version__, "cases": []}
    with tempfile.TemporaryDirectory() as work:
        for name, arch, factory, classes, size, options in CASES:
            torch.manual_seed(0)
            checkpoint, graph = os.path.join(work, f"{name}.pt"), os.path.join(work, f"{name}.onnx")
            torch.save(factory(classes).state_dict(), checkpoint)
            names = ",".join(f"c{i}" for i in range(classes))
            command = ["dotnet", CLI, "export", "--model", checkpoint, "--arch", arch, "--classes", names, "--resize", str(size), "--onnx", graph, *options]
            subprocess.run(command, check=True, env={**os.environ, "HOME": work})
            model = onnx.load(graph)
            onnx.checker.check_model(model, full_check=True)
            inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
            record["cases"].append({
                "name": name,
                "arch": arch,
                "classes": classes,
                "size": size,
                "options": options,
                "checker": "passed",
                "ir_version": model.ir_version,
                "opsets": {o.domain or "ai.onnx": o.version for o in model.opset_import},
                "operators": dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items())),
                "inputs": {i.name: dims(i) for i in inferred.graph.input},
                "outputs": {o.name: dims(o) for o in inferred.graph.output},
                "metadata": sorted(p.key for p in model.metadata_props),
            })
            print(f"{name}: onnx.checker passed ({len(model.graph.node)} nodes)")
    with open(OUT, "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
