"""Use no more BLAS threads than the CPUs a container lets this process use.

Containers (Binder, Kubernetes, ``docker run --cpus``) often cap CPU *time* with a
cgroup quota while showing every core of the host. OpenBLAS then starts one thread
per host core: with 16 threads under a quota of one CPU, the threads spin waiting
for each other, the kernel throttles them, and every matrix product runs many
times slower. So at import kerasbook reads the quota and, where it is below the
BLAS thread count, lowers the count to fit (with threadpoolctl, which can change it
after NumPy is loaded). A thread count the user set with ``OPENBLAS_NUM_THREADS``,
``MKL_NUM_THREADS`` or ``OMP_NUM_THREADS`` is left alone.
"""
import math
import os

from threadpoolctl import threadpool_info, threadpool_limits

CGROUP = "/sys/fs/cgroup"
USER_SETTINGS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def cpu_quota(root=CGROUP):
    """The CPUs' worth of time the cgroup allows (1.5 for 150 ms per 100 ms), or None if unlimited."""
    for path, read in ((os.path.join(root, "cpu.max"), _read_v2),
                       (os.path.join(root, "cpu", "cpu.cfs_quota_us"), _read_v1)):
        if os.path.exists(path):
            try:
                return read(path)
            except (OSError, ValueError):
                return None
    return None


def _read_v2(path):
    """cgroup v2: ``cpu.max`` holds "quota period" in microseconds, or "max period"."""
    with open(path) as file:
        quota, period = file.read().split()
    return None if quota == "max" else int(quota) / int(period)


def _read_v1(path):
    """cgroup v1: ``cpu.cfs_quota_us`` (-1 for none) beside ``cpu.cfs_period_us``."""
    with open(path) as file:
        quota = int(file.read())
    with open(os.path.join(os.path.dirname(path), "cpu.cfs_period_us")) as file:
        period = int(file.read())
    return None if quota <= 0 else quota / period


def fit_blas_threads_to_quota(root=CGROUP):
    """Lower BLAS's thread count to the cgroup's CPU quota; returns the new count, or None if unchanged."""
    if any(name in os.environ for name in USER_SETTINGS):
        return None
    quota = cpu_quota(root)
    if quota is None or quota >= (os.cpu_count() or 1):
        return None
    threads = max(1, math.floor(quota))
    if all(pool["num_threads"] <= threads for pool in threadpool_info() if pool["user_api"] == "blas"):
        return None
    threadpool_limits(limits=threads, user_api="blas")
    return threads
