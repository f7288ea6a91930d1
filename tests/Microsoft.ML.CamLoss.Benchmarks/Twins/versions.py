"""Prints one JSON line with the PyTorch the twins run on: {"torch": torch.__version__}."""
import json

import torch

print(json.dumps({"torch": torch.__version__}))
