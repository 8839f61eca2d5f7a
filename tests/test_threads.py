"""BLAS threads are fitted to a container's CPU quota, read from cgroup v1 or v2 files."""
import os

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from kerasbook.runtime.threads import USER_SETTINGS, cpu_quota, fit_blas_threads_to_quota


NOT_IN_A_GROUP = "/nonexistent/cgroup"  # as if /proc/self/cgroup could not be read


def cgroup_v2(root, text, group=""):
    (root / group).mkdir(parents=True, exist_ok=True)
    (root / group / "cpu.max").write_text(text)
    return root


def cgroup_v1(root, quota, period=100000, group=""):
    place = root / "cpu" / group
    place.mkdir(parents=True)
    (place / "cpu.cfs_quota_us").write_text(f"{quota}\n")
    (place / "cpu.cfs_period_us").write_text(f"{period}\n")
    return root


def quota(root, own_groups=NOT_IN_A_GROUP):
    return cpu_quota(str(root), own_groups)


def blas_threads():
    return max(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")


def test_quota_is_read_from_either_cgroup_version(tmp_path):
    for name in "abcde":
        (tmp_path / name).mkdir()
    assert quota(cgroup_v2(tmp_path / "a", "150000 100000")) == 1.5
    assert quota(cgroup_v2(tmp_path / "b", "max 100000\n")) is None
    assert quota(cgroup_v1(tmp_path / "c", 200000)) == 2.0
    assert quota(cgroup_v1(tmp_path / "d", -1)) is None
    assert quota(tmp_path / "no cgroup here") is None
    assert quota(cgroup_v2(tmp_path / "e", "garbage")) is None


def test_the_processs_own_cgroup_comes_first(tmp_path):
    own = tmp_path / "self_cgroup"
    own.write_text("0::/kubepods/pod1/notebook\n")
    root = cgroup_v2(cgroup_v2(tmp_path / "v2", "max 100000"), "100000 100000", group="kubepods/pod1/notebook")
    assert quota(root, str(own)) == 1.0
    own.write_text("5:memory:/elsewhere\n4:cpu,cpuacct:/docker/abc\n")
    assert quota(cgroup_v1(tmp_path / "v1", 50000, group="docker/abc"), str(own)) == 0.5


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
    assert fit_blas_threads_to_quota(str(cgroup_v2(tmp_path, "100000 100000")), NOT_IN_A_GROUP) == 1
    assert blas_threads() == 1


def test_no_quota_and_a_users_own_setting_change_nothing(tmp_path, two_blas_threads, monkeypatch):
    assert fit_blas_threads_to_quota(str(tmp_path), NOT_IN_A_GROUP) is None
    assert blas_threads() == 2
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert fit_blas_threads_to_quota(str(cgroup_v2(tmp_path, "100000 100000")), NOT_IN_A_GROUP) is None
    assert blas_threads() == 2
