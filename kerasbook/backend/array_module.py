"""The one place that decides which array library holds kerasbook's numbers.

NumPy runs on the CPU; CuPy offers the same functions on an NVIDIA GPU. Every
other module asks `xp()` (or `xp_of(array)`) for the array module instead of
importing either, so one switch (`KERASBOOK_BACKEND=cupy` or
`set_backend('cupy')`) moves all the work.

A third backend, 'strict', is a testing aid: NumPy on the CPU with CuPy's rules
(no implicit conversion to NumPy, no mixing with host arrays), so code that would
fail on a GPU fails in the tests of a laptop too (see `kerasbook.backend.strict`).
"""
import os

import numpy

_state = {"name": None, "module": numpy, "floatx": "float32", "epsilon": 1e-7}
_device_modules = {}  # array type -> its module, for arrays of every backend loaded so far

BACKENDS = ("numpy", "cupy", "strict")


def set_backend(name):
    """Choose the array library: 'numpy' (CPU), 'cupy' (NVIDIA GPU) or 'strict' (a testing aid).

    Call it before building models: weights made earlier stay where they are.

    Example:
        kerasbook.backend.set_backend('cupy')
    """
    if name not in BACKENDS:
        raise ValueError(f"Unknown backend {name!r}: expected one of {BACKENDS}.")
    if name == "cupy":
        try:
            import cupy as module
        except ImportError as error:
            raise ImportError("The 'cupy' backend needs CuPy: pip install 'kerasbook[gpu]'.") from error
    elif name == "strict":
        from . import strict as module
    else:
        module = numpy
    if module is not numpy:
        _device_modules[module.ndarray] = module
    _state["module"], _state["name"] = module, name


def backend():
    """The name of the array library in use: 'numpy', 'cupy' or 'strict'."""
    return _state["name"]


def xp():
    """The array module in use (``numpy``, ``cupy`` or ``kerasbook.backend.strict``)."""
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
    """Move a host (NumPy) array to the backend's device, optionally casting it.

    An array of another device backend goes through the host first.
    """
    module = xp()
    if type(array) in _device_modules and _device_modules[type(array)] is not module:
        array = array.get()
    if dtype is not None:
        return module.asarray(array, dtype=dtype)
    return module.asarray(array)


def to_numpy(array):
    """Bring an array back to the host as a NumPy array (a no-op on NumPy)."""
    if isinstance(array, numpy.ndarray):
        return array
    if hasattr(array, "get"):  # CuPy's (and the strict backend's) explicit copy to the host
        return array.get()
    return numpy.asarray(array)


def xp_of(array):
    """The module that owns `array`: NumPy for host arrays and numbers, CuPy for CuPy's, and so on.

    An array of no known type (a list, say) gets the backend's module.
    """
    if isinstance(array, (numpy.ndarray, numpy.generic, int, float, bool)):
        return numpy
    return _device_modules.get(type(array), _state["module"])


set_backend(os.environ.get("KERASBOOK_BACKEND", "numpy"))
