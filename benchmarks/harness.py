"""Timing helpers shared by the benchmarks: alternate the contenders, keep the best.

On a 2-core machine timings move 15-70% between runs and a busy neighbour
process can wreck one repeat, so contenders are measured in turns within one
process and each reports the best of its repeats.
"""
import resource
import time

import numpy


def best_rate(run, samples, repeats=5, warmup=1):
    """Samples per second of `run()` (which processes `samples`), best of `repeats`."""
    for _ in range(warmup):
        run()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return samples / best


def alternate(contenders, samples, rounds=3, repeats=2):
    """Measure each named contender in turns; return {name: best samples/s}."""
    rates = {name: 0.0 for name in contenders}
    for name, run in contenders.items():
        run()  # warm-up: allocations, caches, lazy builds
    for _ in range(rounds):
        for name, run in contenders.items():
            rates[name] = max(rates[name], best_rate(run, samples, repeats, warmup=0))
    return rates


def matmul_gflops(m, k, n, repeats=20):
    """NumPy's float32 (m×k)@(k×n) rate on this machine: the ceiling for GEMM-bound work."""
    a = numpy.random.rand(m, k).astype(numpy.float32)
    b = numpy.random.rand(k, n).astype(numpy.float32)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * m * k * n / best / 1e9


def peak_rss_mib():
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def torch_or_none():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(2)
    return torch


def print_table(rows, headers):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(f"{h:<{w}}" for h, w in zip(headers, widths)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(f"{str(c):<{w}}" for c, w in zip(row, widths)) + " |")
