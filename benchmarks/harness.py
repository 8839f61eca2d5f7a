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
    """Peak resident memory of this process so far (Linux reports KiB).

    Linux carries ru_maxrss across fork and exec: a child reports at least its parent's
    peak. Measure children with `own_peak_rss_mib`.
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def own_peak_rss_mib():
    """Peak resident memory of this program alone, not inherited from the process that started it.

    Linux's VmHWM starts afresh at exec; elsewhere this falls back to `peak_rss_mib`.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return peak_rss_mib()


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


def subnormal_count(arrays):
    """How many values of these float arrays are denormal (tiny, and slow in every op that reads them).

    RMSprop's running averages decay into denormals once a weight's gradient stays zero
    (PyTorch's ``sqrt(v) + eps`` then crawls); a benchmark should say when that happened.
    """
    count = 0
    for array in arrays:
        array = numpy.asarray(array)
        if array.dtype.kind == "f":
            tiny = numpy.finfo(array.dtype).tiny
            count += int(numpy.count_nonzero((array != 0) & (numpy.abs(array) < tiny)))
    return count
