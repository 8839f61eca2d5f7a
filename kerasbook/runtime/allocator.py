"""Keep freed memory in the process, so each batch's big temporaries cost no page faults.

A training step allocates the same large temporaries every batch (im2col patches,
gate activations, gradients) and frees them at its end. By default glibc's
``malloc`` hands blocks above 128 KiB to the kernel with ``mmap`` and gives them
back with ``munmap`` when freed, and trims the top of its heap whenever 128 KiB
there is free; the next batch then faults every page in again, which the kernel
zeroes first (benchmarks/README.md, "Page faults"). Raising both thresholds
makes ``malloc`` reuse the memory it already has: the peak memory stays what the
largest batch needs, it is just not returned between batches.

This changes a process-wide setting of the C library, once, when kerasbook is
imported on Linux with glibc; elsewhere it does nothing. Set
``KERASBOOK_KEEP_FREED_MEMORY=0`` before importing kerasbook to leave glibc's
defaults alone.
"""
import ctypes
import os

from .. import config

M_TRIM_THRESHOLD = -1  # mallopt's parameter numbers, from glibc's <malloc.h>
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 2**20  # blocks up to this size come from the reusable heap
TRIM_THRESHOLD = 1024 * 2**20  # free memory kept at the top of the heap before trimming


def keep_freed_memory():
    """Raise glibc's mmap and trim thresholds; returns whether the setting was made."""
    if not config.keeps_freed_memory():
        return False
    if not _is_glibc():
        return False
    libc = ctypes.CDLL("libc.so.6")
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def _is_glibc():
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (AttributeError, ValueError, OSError):  # not a POSIX system, or not glibc
        return False
