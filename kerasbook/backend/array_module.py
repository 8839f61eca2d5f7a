"""The one place that decides which array library holds kerasbook's numbers.

NumPy runs on the CPU; CuPy offers the same functions on an NVIDIA GPU. Every
other module asks `xp()` for the array module instead of importing either, so one
switch (`KERASBOOK_BACKEND=cupy` or `set_backend('cupy')`) moves all the work.
"""
import os

import numpy

_state = {"name": None, "module": numpy, "floatx": "float32", "epsilon": 1e-7}

BACKENDS = ("numpy", "cupy")


def set_backend(name):
    """Choose the array library: 'numpy' (CPU) or 'cupy' (NVIDIA GPU).

    Call it before building models: weights made earlier stay where they are.
    """
    if name not in BACKENDS:
        raise ValueError(f"Unknown backend {name!r}: expected one of {BACKENDS}.")
    if name == "cupy":
        try:
            import cupy
        except ImportError as error:
            raise ImportError("The 'cupy' backend needs CuPy: pip install 'kerasbook[gpu]'.") from error
        _state["module"] = cupy
    else:
        _state["module"] = numpy
    _state["name"] = name


def backend():
    """The name of the array library in use: 'numpy' or 'cupy'."""
    return _state["name"]


def xp():
    """The array module in use (``numpy`` or ``cupy``)."""
    return _state["module"]


def floatx():
    """The default float type of weights and data, 'float32' as in Keras."""
    return _state["floatx"]


def set_floatx(dtype):
    """Change the default float type (tests use 'float64' for gradient checks)."""
    if dtype not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown floatx {dtype!r}: expected 'float16', 'float32' or 'float64'.")
    _state["floatx"] = dtype


def epsilon():
    """The fuzz factor Keras adds to avoid dividing by zero (1e-7)."""
    return _state["epsilon"]


def set_epsilon(value):
    _state["epsilon"] = float(value)


def image_data_format():
    """kerasbook images are (height, width, channels), Keras's 'channels_last'."""
    return "channels_last"


def to_device(array, dtype=None):
    """Move a host (NumPy) array to the backend's device, optionally casting it."""
    module = xp()
    if dtype is not None:
        return module.asarray(array, dtype=dtype)
    return module.asarray(array)


def to_numpy(array):
    """Bring an array back to the host as a NumPy array (a no-op on NumPy)."""
    if isinstance(array, numpy.ndarray):
        return array
    if hasattr(array, "get"):
        return array.get()
    return numpy.asarray(array)


set_backend(os.environ.get("KERASBOOK_BACKEND", "numpy"))


def xp_of(array):
    """The module that owns `array`: NumPy for host arrays, the backend's otherwise."""
    if isinstance(array, (numpy.ndarray, numpy.generic, int, float, bool)):
        return numpy
    return _state["module"]
