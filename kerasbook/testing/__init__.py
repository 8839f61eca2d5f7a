"""Test doubles for kerasbook's own tests and benchmarks; the library itself never uses them.

Importing this package registers the 'strict' backend (`strict_backend`): NumPy on
the CPU with CuPy's rules, so ``KERASBOOK_BACKEND=strict python -m pytest`` finds
on a laptop the mistakes a GPU would.
"""
from ..runtime import register_backend
from . import strict_backend

register_backend("strict", strict_backend)
