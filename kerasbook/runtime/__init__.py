"""What kerasbook runs on: the array library (NumPy or CuPy), random numbers, default names,
and the process's memory and BLAS-thread settings.

The ground floor: it imports nothing of kerasbook but `config`. `import kerasbook`
calls `start` once, after every part is loaded.
"""
from .. import config
from .allocator import keep_freed_memory
from .array_module import backends, register_backend, set_backend, to_device, to_numpy, xp, xp_of
from .naming import clear_session, unique_name
from .random import set_random_seed
from .threads import fit_blas_threads_to_quota


def start():
    """Apply the settings read from the environment: the backend, glibc's memory reuse, BLAS threads."""
    set_backend(config.backend())
    keep_freed_memory()
    fit_blas_threads_to_quota()
