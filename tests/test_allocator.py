"""kerasbook keeps freed memory in the process, so repeated big temporaries don't page-fault."""
import os
import platform
import subprocess
import sys

import pytest

FAULTS_PER_ALLOCATION = """
import resource, numpy
import kerasbook
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
numpy.ones(2**24, numpy.float32)  # 64 MiB, allocated and freed once before counting
before = faults()
for _ in range(20):
    numpy.ones(2**24, numpy.float32)
print((faults() - before) / 20)
"""


def faults_per_allocation(environment):
    result = subprocess.run([sys.executable, "-c", FAULTS_PER_ALLOCATION], env=environment,
                            capture_output=True, text=True, check=True)
    return float(result.stdout)


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="the setting is glibc's; elsewhere kerasbook leaves malloc alone")
def test_a_freed_big_array_is_reused_without_page_faults():
    environment = dict(os.environ)
    kept = faults_per_allocation(environment)
    environment["KERASBOOK_KEEP_FREED_MEMORY"] = "0"
    default = faults_per_allocation(environment)
    # 64 MiB is 16,384 pages of 4 KiB, or 32 huge pages where the kernel hands those out.
    assert default >= 16, f"glibc's default gave only {default} faults: the test no longer shows a difference"
    assert kept <= default / 10, f"{kept} page faults per 64 MiB allocation with kerasbook's setting, {default} without"
