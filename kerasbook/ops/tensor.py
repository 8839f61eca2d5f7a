"""The value that flows through kerasbook: an array plus whether it needs a gradient.

A `Tensor` wraps a NumPy or CuPy array. Arithmetic on tensors (``a + b``,
``a * 2``, ``x @ w``, ``x[0]``) runs differentiable ops, so a custom loss written
with operators or `kerasbook.backend` functions trains without a hand-written
gradient. A `Variable` is a tensor a layer owns and an optimizer changes.
"""
import numpy

from ..config import floatx
from ..runtime.array_module import to_numpy, xp, xp_of


class Tensor:
    __slots__ = ("data", "requires_grad", "__weakref__")
    __array_priority__ = 1000  # numpy_array + tensor calls Tensor.__radd__

    def __init__(self, data, requires_grad=False):
        self.data = data
        self.requires_grad = requires_grad

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def xp(self):
        """The array module this tensor's data lives in."""
        return xp_of(self.data)

    def numpy(self):
        """The values as a NumPy array on the host."""
        return to_numpy(self.data)

    def __array__(self, dtype=None, copy=None):
        values = self.numpy()
        return values if dtype is None else values.astype(dtype)

    def __len__(self):
        return len(self.data)

    def __float__(self):
        return float(self.data)

    def __repr__(self):
        return f"<Tensor shape={self.shape} dtype={self.dtype}>\n{self.numpy()!r}"

    # Operators dispatch to the differentiable ops in kerasbook.ops.math, which
    # attaches them below (math imports this module, not the other way round).


class Variable(Tensor):
    """A named, trainable array owned by a layer (a weight or a bias).

    `regularizer` (a function of the variable giving a penalty for the loss) and
    `constraint` (a function giving the projected value, applied after each
    optimizer step) are Keras's; a layer's `add_weight` sets them.
    """

    __slots__ = ("name", "trainable", "path", "regularizer", "constraint")

    def __init__(self, value, name="variable", trainable=True, dtype=None, regularizer=None, constraint=None):
        module = xp()
        super().__init__(module.asarray(value, dtype=dtype or floatx()), requires_grad=trainable)
        self.name = name
        self.trainable = trainable
        self.path = name
        self.regularizer = regularizer
        self.constraint = constraint

    @property
    def value(self):
        return self.data

    def numpy(self):
        """A copy of the values on the host: later training does not change it."""
        values = to_numpy(self.data)
        return values.copy() if values is self.data else values

    def assign(self, value):
        """Replace the values in place, keeping shape and dtype (Keras's ``assign``)."""
        value = xp().asarray(value.data if isinstance(value, Tensor) else value, dtype=self.data.dtype)
        if value.shape != self.data.shape:
            raise ValueError(f"Variable '{self.path}' has shape {self.data.shape}; cannot assign a value of "
                             f"shape {value.shape}.")
        self.data[...] = value

    def __repr__(self):
        return f"<Variable '{self.path}' shape={self.shape} dtype={self.dtype}>"


def as_array(value, dtype=None):
    """The raw array behind a tensor, or a new backend array made from `value`."""
    if isinstance(value, Tensor):
        return value.data
    return xp().asarray(value, dtype=dtype)


def as_tensor(value, dtype=None):
    """Wrap `value` as a Tensor (floats become floatx unless a dtype is given)."""
    if isinstance(value, Tensor):
        return value
    array = xp().asarray(value, dtype=dtype)
    if dtype is None and array.dtype.kind == "f" and array.dtype != floatx():
        array = array.astype(floatx())
    return Tensor(array)
