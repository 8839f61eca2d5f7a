"""A testing aid: NumPy on the CPU, with CuPy's rules about host arrays.

``set_backend('strict')`` (or ``KERASBOOK_BACKEND=strict``) makes kerasbook keep
its numbers in `StrictArray`s: NumPy arrays in a wrapper that behaves like a
CuPy array on a GPU. Code that works only because NumPy is lenient then fails
on a laptop, with the error CuPy would raise, instead of on the first GPU run:

- ``numpy.asarray(a)`` and ``numpy.array(a)`` raise CuPy's TypeError; ``a.get()``
  (or `to_numpy`) is the explicit way to the host.
- Arithmetic with a host array (``a + numpy_array``) raises TypeError; Python and
  NumPy scalars are fine, as on CuPy.
- This module's functions refuse host arrays, except `asarray` and `array`, the
  explicit way to the device. Indices may be host arrays, as CuPy allows.
- ``numpy.sum(a)`` and every other bare NumPy call on a device array raise
  TypeError. (CuPy forwards many of these; kerasbook asks `xp_of(a)` instead.)
- Ufunc methods exist only where CuPy has them: ``outer`` for every ufunc, ``at``
  for add, subtract, maximum, minimum and the bitwise ops, ``reduce`` and
  ``accumulate`` for add and multiply, ``reduceat`` for add.
- Reductions and single elements are 0-d arrays, never host scalars.

`counts` tallies the copies between host and device, so tests can check that a
training step makes only the ones it should.
"""
import types

import numpy

_IMPLICIT = "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a NumPy array explicitly."
_FROM_HOST = ("asarray", "array", "asanyarray")  # the explicit host-to-device copies
_UFUNC_METHODS = {  # what CuPy's ufuncs offer beyond __call__ (cupy/_core/_kernel.pyx)
    "outer": None,
    "at": {"add", "subtract", "maximum", "minimum", "bitwise_and", "bitwise_or", "bitwise_xor"},
    "reduce": {"add", "multiply"},
    "accumulate": {"add", "multiply"},
    "reduceat": {"add"},
}

counts = {"to_host": 0, "to_device": 0}


def reset_counts():
    counts.update(to_host=0, to_device=0)


def _to_host():
    counts["to_host"] += 1


def _unwrap(value, host_ok=False):
    """The NumPy arrays inside `value` (also inside lists, tuples and dicts); host arrays refused."""
    if isinstance(value, StrictArray):
        return value._array
    if isinstance(value, numpy.ndarray):
        if not host_ok:
            raise TypeError(f"Unsupported type {type(value)}: a host (NumPy) array cannot mix with device arrays; "
                            f"move it with xp.asarray(...) first.")
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(item, host_ok) for item in value)
    if isinstance(value, dict):
        return {key: _unwrap(item, host_ok) for key, item in value.items()}
    return value


def _wrap(value):
    """Results back on the 'device': arrays and NumPy scalars become StrictArrays."""
    if isinstance(value, numpy.ndarray):
        return StrictArray(value)
    if isinstance(value, numpy.generic):
        return StrictArray(numpy.asarray(value))
    if isinstance(value, (list, tuple)):
        return type(value)(_wrap(item) for item in value)
    return value


def _index(key):
    return _unwrap(key, host_ok=True)


class StrictArray:
    """A NumPy array standing in for a CuPy array: same methods, no way to the host but `.get()`."""

    __slots__ = ("_array", "__weakref__")
    __array_ufunc__ = None  # NumPy's ufuncs and operators refuse us, so `host + a` lands in __radd__

    def __init__(self, array):
        self._array = array

    def get(self):
        """A NumPy copy on the host (CuPy's explicit device-to-host copy)."""
        _to_host()
        return self._array.copy()

    def __array__(self, dtype=None, copy=None):
        raise TypeError(_IMPLICIT)

    def __array_function__(self, func, kinds, args, kwargs):
        raise TypeError(f"numpy.{func.__name__} was called on a device array; use the array module instead "
                        f"(xp_of(array).{func.__name__}).")

    def __getattr__(self, name):
        if name.startswith("_"):  # keeps NumPy's __array_interface__ & co. out of reach
            raise AttributeError(name)
        attribute = getattr(self._array, name)
        if not callable(attribute):
            return _wrap(attribute) if isinstance(attribute, numpy.ndarray) else attribute
        if name in ("item", "tolist", "tobytes"):
            _to_host()
            return attribute
        return lambda *args, **kwargs: _wrap(attribute(*_unwrap(args), **_unwrap(kwargs)))

    def __getitem__(self, key):
        return _wrap(self._array[_index(key)])

    def __setitem__(self, key, value):
        if isinstance(value, numpy.ndarray) and value.ndim == 0:
            value = value[()]  # CuPy fills from a 0-d host array, nothing bigger
        self._array[_index(key)] = _unwrap(value)

    def __len__(self):
        return len(self._array)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        _to_host()
        return bool(self._array)

    def __float__(self):
        _to_host()
        return float(self._array)

    def __int__(self):
        _to_host()
        return int(self._array)

    def __complex__(self):
        _to_host()
        return complex(self._array)

    def __format__(self, spec):
        _to_host()
        return format(self._array[()] if self.ndim == 0 else self._array, spec)

    def __repr__(self):
        return f"StrictArray({self._array!r})"

    __hash__ = None


def _operator(name):
    def operator(self, *other):
        return _wrap(getattr(self._array, name)(*_unwrap(other)))
    operator.__name__ = name
    return operator


def _in_place(name):
    def operator(self, other):
        getattr(self._array, name)(_unwrap(other))
        return self
    operator.__name__ = name
    return operator


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor",
              "lshift", "rshift"):
    setattr(StrictArray, f"__{_name}__", _operator(f"__{_name}__"))
    setattr(StrictArray, f"__r{_name}__", _operator(f"__r{_name}__"))
    setattr(StrictArray, f"__i{_name}__", _in_place(f"__i{_name}__"))
for _name in ("lt", "le", "gt", "ge", "eq", "ne", "neg", "pos", "abs", "invert"):
    setattr(StrictArray, f"__{_name}__", _operator(f"__{_name}__"))

ndarray = StrictArray


class _Ufunc:
    """A NumPy ufunc on StrictArrays, with only the methods CuPy's ufunc of that name has."""

    def __init__(self, ufunc):
        self.ufunc, self.__name__ = ufunc, ufunc.__name__

    def __call__(self, *args, **kwargs):
        return _wrap(self.ufunc(*_unwrap(args), **_unwrap(kwargs)))

    def __getattr__(self, name):
        if name not in _UFUNC_METHODS:
            return getattr(self.ufunc, name)  # nin, nout, types, …
        supported = _UFUNC_METHODS[name]
        if supported is not None and self.__name__ not in supported:
            raise NotImplementedError(f"`{self.__name__}.{name}` is not supported by CuPy.")
        method = getattr(self.ufunc, name)
        if name == "at":
            return lambda a, indices, b=None: method(_unwrap(a), _index(indices), *([] if b is None else [_unwrap(b)]))
        return lambda *args, **kwargs: _wrap(method(*_unwrap(args), **_unwrap(kwargs)))

    def __repr__(self):
        return f"<strict ufunc '{self.__name__}'>"


def _function(function, name):
    host_ok = name in _FROM_HOST

    def call(*args, **kwargs):
        if host_ok and args and not isinstance(args[0], StrictArray):
            counts["to_device"] += 1
            # A copy, as a copy to the GPU is: later changes on the host don't reach it.
            return StrictArray(function(*_unwrap(args, host_ok), **_unwrap(kwargs)).copy())
        return _wrap(function(*_unwrap(args, host_ok), **_unwrap(kwargs)))
    call.__name__ = call.__qualname__ = name
    call.__doc__ = function.__doc__
    return call


class _Namespace:
    """NumPy's submodules (``lib.stride_tricks``, ``linalg``, …), strict in the same way."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        return _strict(getattr(self._module, name), name)


def _strict(attribute, name):
    if isinstance(attribute, numpy.ufunc):
        return _Ufunc(attribute)
    if isinstance(attribute, types.ModuleType):
        return _Namespace(attribute)
    if isinstance(attribute, type) or not callable(attribute):
        return attribute  # dtypes (float32, …), constants (inf, newaxis, …)
    return _function(attribute, name)


def __getattr__(name):
    """``strict.zeros``, ``strict.add``, ``strict.float32``…: NumPy's name, under the rules above."""
    if name.startswith("__") or name == "random":
        raise AttributeError(f"module 'strict' has no attribute {name!r}" +
                             (" (kerasbook draws random numbers on the host: kerasbook.backend.random)"
                              if name == "random" else ""))
    value = _strict(getattr(numpy, name), name)
    globals()[name] = value  # looked up once
    return value
