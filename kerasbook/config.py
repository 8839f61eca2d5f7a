"""Every process-wide setting of kerasbook, in one place (Keras 3 calls it ``keras.config``).

A setting is a value the whole process shares. Each one below has its line:
what it does, and how to change it. Those read from the environment are read
once, when kerasbook is imported.

    backend            which array library holds the numbers: 'numpy' (CPU), 'cupy'
                       (NVIDIA GPU), or 'strict' (a test double, `kerasbook.testing`).
                       KERASBOOK_BACKEND=cupy before import, or kerasbook.backend.set_backend('cupy').
    floatx             the float type of weights and data, 'float32' as in Keras.
                       kerasbook.config.set_floatx('float64').
    epsilon            the fuzz factor that keeps losses away from log(0) and x/0, 1e-7.
                       kerasbook.config.set_epsilon(1e-8).
    image_data_format  how images are laid out: 'channels_last', (height, width, channels),
                       the only layout kerasbook has. kerasbook.config.image_data_format().
    keep_freed_memory  whether glibc keeps freed memory for the next batch (`runtime/allocator.py`).
                       KERASBOOK_KEEP_FREED_MEMORY=0 before import keeps glibc's defaults.
    BLAS threads       lowered at import to a container's CPU quota (`runtime/threads.py`),
                       unless you set OPENBLAS_NUM_THREADS, OMP_NUM_THREADS or
                       MKL_NUM_THREADS yourself before import.
    traceback          whether an error raised inside kerasbook shows only your code and the
      filtering        message (on, as in Keras) or also kerasbook's own frames
                       (`runtime/traceback_filtering.py`). KERASBOOK_TRACEBACK_FILTERING=0
                       before import, or kerasbook.config.disable_traceback_filtering().

Other state the whole process shares, that is not a setting (listed so a reader
can find each):

- the open gradient tapes: `ops/tape.py`;
- the random generator, which `set_random_seed` also uses to seed Python's and
  NumPy's global ones: `runtime/random.py`;
- the counters behind default names (``dense``, ``dense_1``): `runtime/naming.py`,
  reset by `kerasbook.backend.clear_session()`;
- the Ctrl-C handler, swapped in only while an optimizer writes the weights:
  `runtime/interrupts.py`.
"""
import os

_settings = {
    "backend": os.environ.get("KERASBOOK_BACKEND", "numpy"),
    "floatx": "float32",
    "epsilon": 1e-7,
    "image_data_format": "channels_last",
    "keep_freed_memory": os.environ.get("KERASBOOK_KEEP_FREED_MEMORY", "1") != "0",
    "traceback_filtering": os.environ.get("KERASBOOK_TRACEBACK_FILTERING", "1") != "0",
}

FLOAT_TYPES = ("float16", "float32", "float64")


def backend():
    """The name of the array library in use: 'numpy', 'cupy' or 'strict'."""
    return _settings["backend"]


def floatx():
    """The default float type of weights and data, 'float32' as in Keras."""
    return _settings["floatx"]


def set_floatx(dtype):
    """Change the default float type (the gradient checks use 'float64')."""
    if dtype not in FLOAT_TYPES:
        raise ValueError(f"Unknown floatx {dtype!r}: expected one of {FLOAT_TYPES}.")
    _settings["floatx"] = dtype


def epsilon():
    """The fuzz factor Keras adds to avoid dividing by zero (1e-7)."""
    return _settings["epsilon"]


def set_epsilon(value):
    _settings["epsilon"] = float(value)


def image_data_format():
    """kerasbook images are (height, width, channels), Keras's 'channels_last'."""
    return _settings["image_data_format"]


def set_image_data_format(data_format):
    """Only 'channels_last' exists here; 'channels_first' is refused with what to do instead."""
    if data_format == "channels_first":
        raise ValueError("kerasbook supports only image_data_format 'channels_last' (height, width, channels); "
                         "move the channel axis last, e.g. numpy.moveaxis(x, 1, -1).")
    if data_format != "channels_last":
        raise ValueError(f"Unknown image_data_format {data_format!r}: expected 'channels_last'.")
    _settings["image_data_format"] = data_format


def keeps_freed_memory():
    """Whether kerasbook raises glibc's malloc thresholds at import (KERASBOOK_KEEP_FREED_MEMORY)."""
    return _settings["keep_freed_memory"]


def enable_traceback_filtering():
    """Errors raised inside kerasbook show your code and the message, not kerasbook's frames (the default)."""
    _settings["traceback_filtering"] = True


def disable_traceback_filtering():
    """Errors show the full traceback, kerasbook's own frames included: for debugging kerasbook itself."""
    _settings["traceback_filtering"] = False


def is_traceback_filtering_enabled():
    return _settings["traceback_filtering"]


def _set_backend_name(name):
    """Recorded by `kerasbook.runtime.set_backend`, which also loads the library."""
    _settings["backend"] = name
