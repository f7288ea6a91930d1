"""Writes Fixtures/Checkpoints/: small torch.save / safetensors files and the values PyTorch reads from them.

Run with Debian's python3-torch (PyTorch 1.13, the same libtorch as the shim); nothing else is needed:
    /usr/bin/python3 tests/Microsoft.ML.CamLoss.Tests/Reference/generate_checkpoint_fixtures.py
The output is committed so CI needs no Python. What it writes:
  state_zip.pt, state_legacy.pt      one state dict (every supported dtype, shared storage, views) in both formats
  state_zip_protocol4.pt             the same, zip format with pickle protocol 4 (FRAME, STACK_GLOBAL, MEMOIZE)
  wrapped_state_dict_legacy.pt       {'state_dict': {'module.' + key: ...}, 'best_prec1', 'epoch', 'arch'}
  wrapped_model_zip.pt               {'model': nn.Module state dict (with _metadata), 'epoch', 'optimizer', 'meta'}
  state.safetensors                  written by hand (the safetensors package is not installed)
  os_system_zip.pt, os_system_legacy.pt   hand-made pickles that call os.system: must be refused, never run
  int16_zip.pt                       a ShortStorage (int16), which the reader does not support
  checkpoints.json                   expected dtype, shape, strides, offset and bytes of every tensor
  cifar10_resnet_reference.json      per tensor of the shared CIFAR-10 ResNet-20/56 checkpoints: shape, sum, sum of squares
"""
import collections
import json
import math
import os
import pickle
import struct
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Fixtures", "Checkpoints")
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
RESNETS = os.path.join(REPO, "..", "shared", "data", "pretrained", "cifar10-resnet")
# A command that would leave a trace if any reader ever ran it (ours must refuse before that).
EVIL_COMMAND = "touch camloss_pickle_was_executed"


def sample_state():
    """Every dtype the reader supports, with the layouts torch.save preserves."""
    torch.manual_seed(0)
    sd = collections.OrderedDict()
    weight = torch.randn(4, 3, 3, 3)
    # Bit-exactness: values that a float conversion would change or lose.
    weight.view(-1)[:6] = torch.tensor([float("nan"), -0.0, float("inf"), float("-inf"), 1e-45, -3.4028235e38])
    sd["conv.weight"] = weight
    sd["conv.bias"] = torch.randn(4, dtype=torch.float64)
    sd["half"] = torch.tensor([1.0, -2.5, 65504.0, 6e-8, float("nan"), -0.0], dtype=torch.float16)
    sd["bfloat16"] = torch.tensor([1.0, -2.5, 3.0e38, 1e-40, float("inf"), 0.1], dtype=torch.bfloat16)
    sd["bn.num_batches_tracked"] = torch.tensor(7)  # 0-dimensional int64
    sd["int64"] = torch.tensor([-(2 ** 63), 2 ** 63 - 1, 0, -1])
    sd["int32"] = torch.arange(-3, 3, dtype=torch.int32).reshape(2, 3)
    sd["uint8"] = torch.tensor([0, 1, 127, 128, 255], dtype=torch.uint8)
    sd["mask"] = torch.tensor([[True, False, True], [False, False, True]])
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    sd["shared.a"] = base
    sd["shared.b"] = base.view(4, 3)  # the same storage as shared.a
    sd["transposed"] = torch.randn(3, 5).t()  # non-contiguous: strides (1, 5)
    sd["offset_view"] = torch.arange(20, dtype=torch.float32)[5:11].view(2, 3)  # storage offset 5 of 20
    sd["empty"] = torch.zeros(0, 3)
    return sd


def tensor_bytes(t):
    """The row-major little-endian bytes of t, as hex."""
    flat = t.detach().contiguous().reshape(-1)
    return bytes(flat.view(torch.uint8).tolist()).hex() if flat.numel() else ""


def describe(sd):
    """Expected dtype, shape, strides, storage offset, storage size and bytes; which tensors share a storage."""
    first_key_of_storage = {}
    result = collections.OrderedDict()
    for key, t in sd.items():
        ptr = t.storage().data_ptr()
        entry = {
            "dtype": str(t.dtype).replace("torch.", ""),
            "shape": list(t.shape),
            "strides": list(t.stride()),
            "storage_offset": t.storage_offset(),
            "storage_numel": t.storage().size(),
            "hex": tensor_bytes(t),
        }
        if ptr in first_key_of_storage and t.numel() > 0:
            entry["shares_storage_with"] = first_key_of_storage[ptr]
        elif t.numel() > 0:
            first_key_of_storage[ptr] = key
        result[key] = entry
    return result


def save(obj, name, **kwargs):
    torch.save(obj, os.path.join(OUT, name), **kwargs)
    # What PyTorch itself reads back must be what we wrote (guards the expectations below).
    back = torch.load(os.path.join(OUT, name))
    assert type(back) is type(obj)


def write_safetensors(sd, name):
    codes = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
             torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8", torch.bool: "BOOL"}
    header = collections.OrderedDict()
    header["__metadata__"] = {"format": "pt", "source": "generate_checkpoint_fixtures.py"}
    data = b""
    for key, t in sd.items():
        raw = bytes.fromhex(tensor_bytes(t))
        header[key] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the safetensors package pads the header to 8 bytes
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def os_system_pickle():
    """{'payload': os.system(EVIL_COMMAND)} by hand: pickling os.system itself would name 'posix.system'."""
    command = EVIL_COMMAND.encode("utf-8")
    return (b"\x80\x02}q\x00X\x07\x00\x00\x00payloadq\x01cos\nsystem\nq\x02"
            + b"X" + struct.pack("<I", len(command)) + command + b"\x85q\x03Rq\x04s.")


def write_os_system_files():
    with zipfile.ZipFile(os.path.join(OUT, "os_system_zip.pt"), "w") as z:
        z.writestr("os_system_zip/data.pkl", os_system_pickle())
        z.writestr("os_system_zip/version", "3\n")
    sys_info = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}
    with open(os.path.join(OUT, "os_system_legacy.pt"), "wb") as f:
        f.write(pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2))
        f.write(pickle.dumps(1001, protocol=2))
        f.write(pickle.dumps(sys_info, protocol=2))
        f.write(os_system_pickle())
        f.write(pickle.dumps([], protocol=2))


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.bn = torch.nn.BatchNorm2d(4)


def resnet_reference():
    result = collections.OrderedDict()
    for name in ["resnet20-12fca82f.th", "resnet56-4bfd9763.th"]:
        path = os.path.join(RESNETS, name)
        if not os.path.exists(path):
            print(f"skipped {path} (not present)")
            continue
        checkpoint = torch.load(path, map_location="cpu")
        tensors = collections.OrderedDict()
        for key, t in checkpoint["state_dict"].items():
            d = t.double()
            tensors[key[len("module."):] if key.startswith("module.") else key] = {
                "dtype": str(t.dtype).replace("torch.", ""),
                "shape": list(t.shape),
                "sum": d.sum().item(),
                "sum_of_squares": (d * d).sum().item(),
            }
        result[name] = {"best_prec1": float(checkpoint["best_prec1"]), "tensors": tensors}
    return result


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = sample_state()
    save(sd, "state_zip.pt")
    save(sd, "state_legacy.pt", _use_new_zipfile_serialization=False)
    save(sd, "state_zip_protocol4.pt", pickle_protocol=4)

    wrapped = {
        "state_dict": collections.OrderedDict(("module." + k, v) for k, v in sd.items()),
        "best_prec1": 91.78,
        "epoch": 12,
        "arch": "resnet20",
    }
    save(wrapped, "wrapped_state_dict_legacy.pt", _use_new_zipfile_serialization=False)

    torch.manual_seed(1)
    net = Net()
    net.conv.weight.requires_grad_(True)
    model_sd = net.state_dict()  # an OrderedDict with _metadata (a BUILD in the pickle)
    model = {
        "model": model_sd,
        "epoch": 3,
        "optimizer": {"state": {}, "param_groups": [{"lr": 0.1, "momentum": 0.9, "params": [0, 1, 2]}]},
        "meta": {"name": "net", "bytes": b"\x00\xffab", "tuple": (1, 2.5, None, True), "big": 2 ** 70, "negative": -5},
        "parameter": torch.nn.Parameter(torch.ones(2)),  # _rebuild_parameter
    }
    save(model, "wrapped_model_zip.pt")
    write_safetensors(collections.OrderedDict((k, v) for k, v in sd.items() if k in
                                              ["conv.weight", "conv.bias", "half", "bfloat16", "int64", "int32", "uint8", "mask", "empty"]),
                      "state.safetensors")
    write_os_system_files()
    save({"x": torch.tensor([1, -2], dtype=torch.int16)}, "int16_zip.pt")

    expected = {
        "state": describe(sd),
        "model": describe(model_sd),
        "os_system_command": EVIL_COMMAND,
    }
    with open(os.path.join(OUT, "checkpoints.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    reference = resnet_reference()
    if reference:
        with open(os.path.join(OUT, "cifar10_resnet_reference.json"), "w") as f:
            json.dump(reference, f, indent=1)
            f.write("\n")

    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
