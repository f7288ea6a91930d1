"""Shared by the PyTorch twins: the command-line options every twin takes and the timing loop the
C# side mirrors (BenchmarkCase.cs): `warmup` untimed steps, then `steps` timed ones."""
import argparse
import json
import time

import torch


def parser():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--warmup", type=int, required=True)
    p.add_argument("--steps", type=int, required=True)
    return p


def report(step, args):
    """Runs the steps and prints one JSON line: {"median_ms": ..., "mean_ms": ...}."""
    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(json.dumps({"median_ms": times[len(times) // 2], "mean_ms": sum(times) / len(times)}))


def setup(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
