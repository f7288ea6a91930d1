"""PyTorch twin of the C# loader benchmark: torch.utils.data.DataLoader over the CUB subset's
training JPEGs (the official lists), decoded by PIL, RandomResizedCrop(224) + RandomHorizontalFlip
+ ToTensor + Normalize(ImageNet), batches of 32, `workers` worker processes.

A "step" is taking the next batch; after `warmup` batches (worker start-up excluded), prints one
JSON line: {"median_ms": ..., "mean_ms": ...} over `steps` batches (the C# side compares means:
with prefetching, a batch is either ready or waited for, so the median is unstable)."""
import os
import sys

import torch
import torchvision.transforms as T
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from twin_timing import parser, report, setup  # noqa: E402

p = parser()
p.add_argument("--root", required=True)
p.add_argument("--workers", type=int, required=True)
p.add_argument("--batch", type=int, default=32)
a = p.parse_args()


def read(name):
    with open(os.path.join(a.root, name)) as f:
        return dict(line.split(maxsplit=1) for line in f if line.strip())


images, labels, split = read("images.txt"), read("image_class_labels.txt"), read("train_test_split.txt")
samples = [(os.path.join(a.root, "images", images[i].strip()), int(labels[i]) - 1) for i in images if split[i].strip() == "1"]
transform = T.Compose([T.RandomResizedCrop(224), T.RandomHorizontalFlip(), T.ToTensor(),
                       T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])


class Cub(torch.utils.data.Dataset):
    def __len__(self):
        return len(samples)

    def __getitem__(self, i):
        path, label = samples[i]
        with open(path, "rb") as f:
            image = Image.open(f).convert("RGB")
        return transform(image), label


setup(a)
batches = iter(torch.utils.data.DataLoader(Cub(), batch_size=a.batch, shuffle=True, num_workers=a.workers))
report(lambda: next(batches), a)
