"""pytest settings for the whole checkout, nbval's notebook items included (they are collected from notebooks/).

- One BLAS thread per kernel, as `tools/execute_notebooks.py` uses when it saves the outputs:
  kerasbook's matrices are small, and on a busy machine OpenBLAS's spinning threads make a
  notebook up to 10 times slower. The numbers are the same either way.
- Each notebook's kernel works in a scratch folder, as in `tools/execute_notebooks.py`, so
  the pictures the guide's code writes (`plot_model(model, to_file='model.png')`) do not
  land in notebooks/ during a test run.
"""
import os
import shutil
import tempfile

import pytest

for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(name, "1")

SCRATCH = tempfile.mkdtemp(prefix="kerasbook-notebooks-")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    yield  # nbval starts the notebook's kernel when its first cell is set up (cwd: notebooks/)
    notebook = item.parent
    kernel = getattr(notebook, "kernel", None)
    if kernel is None or getattr(notebook, "in_scratch_folder", False):
        return
    folder = os.path.join(SCRATCH, os.path.splitext(os.path.basename(str(notebook.fspath)))[0])
    os.makedirs(folder, exist_ok=True)
    message = kernel.kc.execute(f"__import__('os').chdir({folder!r})", silent=True, stop_on_error=False)
    kernel.await_idle(message, 60)  # as nbval's own coverage set-up runs code in the kernel
    notebook.in_scratch_folder = True


def pytest_unconfigure(config):
    shutil.rmtree(SCRATCH, ignore_errors=True)
