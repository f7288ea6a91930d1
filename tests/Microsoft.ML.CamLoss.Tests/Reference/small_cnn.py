"""The small CNN (conv-BN-ReLU-pool-linear) shared by the reference generator and the benchmark twin.

Its C# twin is tests/Shared/SmallCnn.cs (a TorchSharp module): same layers, names and order.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCnn(nn.Module):
    def __init__(self, channels=8, image_size=8, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, channels, 3, padding=1)
        self.bn = nn.BatchNorm2d(channels)
        self.fc = nn.Linear(channels * (image_size // 2) ** 2, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.fc(x.flatten(1))
