"""Use no more BLAS threads than the CPUs a container lets this process use.

Containers (Binder, Kubernetes, ``docker run --cpus``) often cap CPU *time* with a
cgroup quota while showing every core of the host. OpenBLAS then starts one thread
per host core, the threads wait for each other while the kernel throttles them,
and matrix products get slower the more threads there are (measured in
benchmarks/README.md, "Threads under a CPU quota"). So at import kerasbook reads the
quota and, where it is below the BLAS thread count, lowers the count to fit (with
threadpoolctl, which can change it after NumPy is loaded). A thread count the user
set with ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` or ``OMP_NUM_THREADS`` is left alone.
"""
import math
import os

CGROUP = "/sys/fs/cgroup"
USER_SETTINGS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def cpu_quota(root=CGROUP, own_groups="/proc/self/cgroup"):
    """The CPUs' worth of time this process's cgroup allows (1.5 for 150 ms per 100 ms), or None.

    The process's own cgroup is looked up first; inside a container the cgroup
    files of the container itself usually sit at the root of `root`.
    """
    places = [os.path.join(root, path.lstrip("/")) for path in _own_cgroup_paths(own_groups)]
    places += [root, os.path.join(root, "cpu")]  # v2's and v1's files at the root
    for place in places:
        for path, read in ((os.path.join(place, "cpu.max"), _read_v2),
                           (os.path.join(place, "cpu.cfs_quota_us"), _read_v1)):
            if os.path.exists(path):
                try:
                    return read(path)
                except (OSError, ValueError):
                    return None
    return None


def _own_cgroup_paths(own_groups):
    """Where this process's cgroup is: ``0::/path`` (v2) and ``N:cpu,...:/path`` (v1) lines."""
    try:
        with open(own_groups) as file:
            lines = file.read().splitlines()
    except OSError:
        return []
    paths = []
    for line in lines:
        if line.count(":") < 2:
            continue
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            paths.append(path)
        elif "cpu" in controllers.split(","):
            paths.append(os.path.join("cpu", path.lstrip("/")))
    return paths


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


def fit_blas_threads_to_quota(root=CGROUP, own_groups="/proc/self/cgroup"):
    """Lower BLAS's thread count to the cgroup's CPU quota; returns the new count, or None if unchanged."""
    if any(name in os.environ for name in USER_SETTINGS):
        return None
    quota = cpu_quota(root, own_groups)
    if quota is None or quota >= (os.cpu_count() or 1):
        return None
    from threadpoolctl import threadpool_info, threadpool_limits  # imported only where a quota is found
    threads = max(1, math.floor(quota))
    if all(pool["num_threads"] <= threads for pool in threadpool_info() if pool["user_api"] == "blas"):
        return None
    threadpool_limits(limits=threads, user_api="blas")
    return threads
