"""nbval runs each notebook in a fresh kernel started from this process's environment.

One BLAS thread per kernel, as `tools/execute_notebooks.py` uses when it saves the outputs:
kerasbook's matrices are small, and on a busy machine OpenBLAS's spinning threads make a
notebook up to 10 times slower. The numbers are the same either way.
"""
import os

for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(name, "1")
