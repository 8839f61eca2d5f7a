"""BLAS threads are fitted to a container's CPU quota, read from cgroup v1 or v2 files."""
import os

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from kerasbook.backend.threads import USER_SETTINGS, cpu_quota, fit_blas_threads_to_quota


def cgroup_v2(root, text):
    (root / "cpu.max").write_text(text)
    return root


def cgroup_v1(root, quota, period=100000):
    (root / "cpu").mkdir()
    (root / "cpu" / "cpu.cfs_quota_us").write_text(f"{quota}\n")
    (root / "cpu" / "cpu.cfs_period_us").write_text(f"{period}\n")
    return root


def blas_threads():
    return max(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")


def test_quota_is_read_from_either_cgroup_version(tmp_path):
    for name in "abcde":
        (tmp_path / name).mkdir()
    assert cpu_quota(cgroup_v2(tmp_path / "a", "150000 100000")) == 1.5
    assert cpu_quota(cgroup_v2(tmp_path / "b", "max 100000\n")) is None
    assert cpu_quota(cgroup_v1(tmp_path / "c", 200000)) == 2.0
    assert cpu_quota(cgroup_v1(tmp_path / "d", -1)) is None
    assert cpu_quota(tmp_path / "no cgroup here") is None
    assert cpu_quota(cgroup_v2(tmp_path / "e", "garbage")) is None


@pytest.fixture
def two_blas_threads(monkeypatch):
    """BLAS at 2 threads (the tests' conftest sets 1), no user setting, the original count restored after."""
    for name in USER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 16)  # a host bigger than the quota, as on Binder
    original = blas_threads()
    threadpool_limits(limits=2, user_api="blas")
    yield
    threadpool_limits(limits=original, user_api="blas")


def test_a_quota_of_one_cpu_leaves_one_blas_thread(tmp_path, two_blas_threads):
    assert fit_blas_threads_to_quota(cgroup_v2(tmp_path, "100000 100000")) == 1
    assert blas_threads() == 1


def test_no_quota_and_a_users_own_setting_change_nothing(tmp_path, two_blas_threads, monkeypatch):
    assert fit_blas_threads_to_quota(tmp_path) is None
    assert blas_threads() == 2
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert fit_blas_threads_to_quota(cgroup_v2(tmp_path, "100000 100000")) is None
    assert blas_threads() == 2
