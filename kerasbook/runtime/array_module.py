"""The one place that decides which array library holds kerasbook's numbers.

NumPy runs on the CPU; CuPy offers the same functions on an NVIDIA GPU. Every
other module asks `xp()` (or `xp_of(array)`) for the array module instead of
importing either, so one switch (`KERASBOOK_BACKEND=cupy` or
`set_backend('cupy')`) moves all the work.

Any other module with NumPy's API can be registered as a backend; the tests
register 'strict', NumPy with CuPy's rules (`kerasbook.testing.strict_backend`),
so code that would fail on a GPU fails in the tests of a laptop too.
"""
import numpy

from .. import config

_state = {"module": numpy}
_device_modules = {}  # array type -> its module, for arrays of every backend loaded so far
_registered = {}  # name -> module, for backends beside NumPy and CuPy


def register_backend(name, module):
    """Make `set_backend(name)` use `module`, an array library with NumPy's API."""
    _registered[name] = module


def backends():
    """The names `set_backend` takes."""
    return ("numpy", "cupy") + tuple(_registered)


def set_backend(name):
    """Choose the array library: 'numpy' (CPU), 'cupy' (NVIDIA GPU), or a registered one.

    Call it before building models: weights made earlier stay where they are.

    Example:
        kerasbook.backend.set_backend('cupy')
    """
    if name not in backends():
        raise ValueError(f"Unknown backend {name!r}: expected one of {backends()}.")
    if name == "cupy":
        try:
            import cupy as module
        except ImportError as error:
            raise ImportError("The 'cupy' backend needs CuPy: in kerasbook's folder, pip install -e '.[gpu]' "
                              "(CUDA 12) or -e '.[gpu-cuda13]' (CUDA 13).") from error
    else:
        module = _registered.get(name, numpy)
    if module is not numpy:
        _device_modules[module.ndarray] = module
    _state["module"] = module
    config._set_backend_name(name)


def xp():
    """The array module in use (``numpy``, ``cupy`` or a registered one)."""
    return _state["module"]

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

