"""Elementwise arithmetic, reductions and shape ops, each with its gradient.

These are the primitives custom losses and layers compose. Each class is one
op; the lower-case function beside it is what callers use.
"""
import itertools

import numpy

from ..runtime.array_module import xp_of as _xp
from .function import Function, sum_to_shape
from .tensor import Tensor, as_array


def _shape(value):
    return getattr(value, "shape", ())


class Add(Function):
    def forward(self, a, b):
        self.shapes = _shape(a), _shape(b)
        return a + b

    def backward(self, g):
        return sum_to_shape(g, self.shapes[0]), sum_to_shape(g, self.shapes[1])


class Subtract(Function):
    def forward(self, a, b):
        self.shapes = _shape(a), _shape(b)
        return a - b

    def backward(self, g):
        return sum_to_shape(g, self.shapes[0]), sum_to_shape(-g, self.shapes[1])


class Multiply(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        return sum_to_shape(g * self.b, _shape(self.a)), sum_to_shape(g * self.a, _shape(self.b))


class Divide(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, g):
        grad_a = g / self.b
        return sum_to_shape(grad_a, _shape(self.a)), sum_to_shape(-grad_a * self.a / self.b, _shape(self.b))


class Negative(Function):
    def forward(self, a):
        return -a

    def backward(self, g):
        return (-g,)


class Power(Function):
    """``a ** exponent`` for a constant exponent."""

    def __init__(self, exponent):
        self.exponent = exponent

    def forward(self, a):
        self.a = a
        return a ** self.exponent

    def backward(self, g):
        return (g * self.exponent * self.a ** (self.exponent - 1),)


class Exp(Function):
    def forward(self, a):
        self.y = _xp(a).exp(a)
        return self.y

    def backward(self, g):
        return (g * self.y,)


class Log(Function):
    def forward(self, a):
        self.a = a
        return _xp(a).log(a)

    def backward(self, g):
        return (g / self.a,)


class Sqrt(Function):
    def forward(self, a):
        self.y = _xp(a).sqrt(a)
        return self.y

    def backward(self, g):
        return (g / (2 * self.y),)


class Square(Function):
    def forward(self, a):
        self.a = a
        return a * a

    def backward(self, g):
        return (2 * g * self.a,)


class Abs(Function):
    def forward(self, a):
        self.a = a
        return _xp(a).abs(a)

    def backward(self, g):
        return (g * _xp(self.a).sign(self.a),)


class Clip(Function):
    """Clamp to [low, high]; the gradient is zero where the value was clamped."""

    def __init__(self, low, high):
        self.low, self.high = low, high

    def forward(self, a):
        self.inside = (a >= self.low) & (a <= self.high)
        return _xp(a).clip(a, self.low, self.high)

    def backward(self, g):
        return (g * self.inside,)


class Maximum(Function):
    """Elementwise maximum; ties send the gradient to the first argument."""

    def forward(self, a, b):
        self.shapes = _shape(a), _shape(b)
        self.first = a >= b
        return _xp(self.first).maximum(a, b)

    def backward(self, g):
        return (sum_to_shape(g * self.first, self.shapes[0]),
                sum_to_shape(g * ~self.first, self.shapes[1]))


class Minimum(Function):
    def forward(self, a, b):
        self.shapes = _shape(a), _shape(b)
        self.first = a <= b
        return _xp(self.first).minimum(a, b)

    def backward(self, g):
        return (sum_to_shape(g * self.first, self.shapes[0]),
                sum_to_shape(g * ~self.first, self.shapes[1]))


class MatMul(Function):
    """Matrix product with NumPy's broadcasting rules for stacks of matrices."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a @ b

    def backward(self, g):
        xp = _xp(g)
        a, b = self.a, self.b
        if b.ndim == 1:
            grad_a = xp.multiply.outer(g, b)
            grad_b = xp.tensordot(g, a, axes=(tuple(range(g.ndim)), tuple(range(a.ndim - 1))))
            return grad_a, grad_b
        grad_a = g @ xp.swapaxes(b, -1, -2)
        if a.ndim == 2 and b.ndim == 2:
            return grad_a, a.T @ g
        if b.ndim == 2:
            grad_b = a.reshape(-1, a.shape[-1]).T @ g.reshape(-1, g.shape[-1])
        else:
            grad_b = sum_to_shape(xp.swapaxes(a, -1, -2) @ g, b.shape)
        return sum_to_shape(grad_a, a.shape), grad_b


class Sum(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, a):
        self.shape = a.shape
        return a.sum(axis=self.axis, keepdims=self.keepdims)

    def backward(self, g):
        return (_xp(g).broadcast_to(_keep_dims(g, self.shape, self.axis, self.keepdims), self.shape),)


class Mean(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, a):
        self.shape = a.shape
        out = a.mean(axis=self.axis, keepdims=self.keepdims)
        self.count = a.size // out.size if out.size else 1
        return out

    def backward(self, g):
        g = _keep_dims(g, self.shape, self.axis, self.keepdims) / self.count
        return (_xp(g).broadcast_to(g, self.shape).astype(g.dtype, copy=False),)


class Max(Function):
    """Largest value along an axis; the gradient goes to every place that held it."""

    def __init__(self, axis=None, keepdims=False, smallest=False):
        self.axis, self.keepdims, self.smallest = axis, keepdims, smallest

    def forward(self, a):
        reduce = a.min if self.smallest else a.max
        out = reduce(axis=self.axis, keepdims=True)
        self.mask = a == out
        return out if self.keepdims else _squeeze(out, self.axis)

    def backward(self, g):
        g = _keep_dims(g, self.mask.shape, self.axis, self.keepdims)
        count = self.mask.sum(axis=self.axis, keepdims=True)
        return (g * self.mask / count,)


def _squeeze(array, axis):
    return array.reshape(()) if axis is None else array.squeeze(axis=axis)


def _keep_dims(g, shape, axis, keepdims):
    """Reshape a reduced gradient so it broadcasts back over the reduced axes."""
    if keepdims or axis is None:
        return g.reshape((1,) * len(shape)) if axis is None and not keepdims else g
    axes = (axis,) if isinstance(axis, int) else axis
    axes = sorted(a % len(shape) for a in axes)
    kept = list(g.shape)
    for a in axes:
        kept.insert(a, 1)
    return g.reshape(kept)


class Reshape(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, a):
        self.input_shape = a.shape
        return a.reshape(self.shape)

    def backward(self, g):
        return (g.reshape(self.input_shape),)


class Transpose(Function):
    def __init__(self, axes=None):
        self.axes = axes

    def forward(self, a):
        self.axes = self.axes or tuple(reversed(range(a.ndim)))
        return a.transpose(self.axes)

    def backward(self, g):
        inverse = [0] * len(self.axes)
        for position, axis in enumerate(self.axes):
            inverse[axis] = position
        return (g.transpose(inverse),)


class Flip(Function):
    """The elements along `axis` in reverse order (``numpy.flip``); the gradient is flipped back."""

    def __init__(self, axis=None):
        self.axis = axis

    def forward(self, a):
        return _xp(a).flip(a, axis=self.axis)

    def backward(self, g):
        return (_xp(g).flip(g, axis=self.axis),)


class Concatenate(Function):
    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, *arrays):
        self.sizes = [a.shape[self.axis] for a in arrays]
        return _xp(arrays[0]).concatenate(arrays, axis=self.axis)

    def backward(self, g):
        bounds = list(itertools.accumulate(self.sizes[:-1]))  # on the host: sizes are Python ints
        return tuple(_xp(g).split(g, bounds, axis=self.axis))


class Stack(Function):
    def __init__(self, axis=0):
        self.axis = axis

    def forward(self, *arrays):
        return _xp(arrays[0]).stack(arrays, axis=self.axis)

    def backward(self, g):
        xp = _xp(g)
        return tuple(xp.take(g, i, axis=self.axis) for i in range(g.shape[self.axis]))


class GetItem(Function):
    def __init__(self, index):
        self.index = index

    def forward(self, a):
        self.shape, self.dtype = a.shape, a.dtype
        return a[self.index]

    def backward(self, g):
        xp = _xp(g)
        grad = xp.zeros(self.shape, dtype=g.dtype)
        xp.add.at(grad, self.index, g)
        return (grad,)


class Repeat(Function):
    """Each element `repeats` times in a row along `axis` (``numpy.repeat``)."""

    def __init__(self, repeats, axis):
        self.repeats, self.axis = repeats, axis

    def forward(self, a):
        self.axis = self.axis % a.ndim
        self.shape = a.shape
        return _xp(a).repeat(a, self.repeats, axis=self.axis)

    def backward(self, g):
        # the copies of element i sit side by side: fold them onto an axis of their own and sum it
        grouped = self.shape[:self.axis + 1] + (self.repeats,) + self.shape[self.axis + 1:]
        return (g.reshape(grouped).sum(axis=self.axis + 1),)


class Tile(Function):
    """The whole array `reps[i]` times along each axis i (``numpy.tile``, one rep per axis)."""

    def __init__(self, reps):
        self.reps = reps

    def forward(self, a):
        self.shape = a.shape
        return _xp(a).tile(a, self.reps)

    def backward(self, g):
        # axis i of the output is (rep, size) laid end to end: split it so, and sum the reps
        split = tuple(n for pair in zip(self.reps, self.shape) for n in pair)
        return (g.reshape(split).sum(axis=tuple(range(0, len(split), 2))),)


class Cast(Function):
    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, a):
        self.input_dtype = a.dtype
        return a.astype(self.dtype)

    def backward(self, g):
        if self.input_dtype.kind != "f":
            return (None,)
        return (g.astype(self.input_dtype),)


def _operands(a, b):
    """A NumPy array beside a tensor goes where the backend keeps tensors (nothing moves on NumPy).

    So ``tensor * numpy_weights`` in a custom loss works on a GPU too, as Keras converts it.
    """
    return [as_array(x) if isinstance(x, numpy.ndarray) else x for x in (a, b)]


def add(a, b):
    return Add()(*_operands(a, b))


def subtract(a, b):
    return Subtract()(*_operands(a, b))


def multiply(a, b):
    return Multiply()(*_operands(a, b))


def divide(a, b):
    return Divide()(*_operands(a, b))


def negative(a):
    return Negative()(a)


def power(a, exponent):
    return Power(exponent)(a)


def exp(a):
    return Exp()(a)


def log(a):
    return Log()(a)


def sqrt(a):
    return Sqrt()(a)


def square(a):
    return Square()(a)


def abs(a):  # noqa: A001 - Keras's name
    return Abs()(a)


def clip(a, min_value, max_value):
    return Clip(min_value, max_value)(a)


def maximum(a, b):
    return Maximum()(*_operands(a, b))


def minimum(a, b):
    return Minimum()(*_operands(a, b))


def matmul(a, b):
    return MatMul()(*_operands(a, b))


def sum(a, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return Sum(_axis(axis), keepdims)(a)


def mean(a, axis=None, keepdims=False):
    return Mean(_axis(axis), keepdims)(a)


def max(a, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return Max(_axis(axis), keepdims)(a)


def min(a, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return Max(_axis(axis), keepdims, smallest=True)(a)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def reshape(a, shape):
    return Reshape(tuple(shape))(a)


def transpose(a, axes=None):
    return Transpose(tuple(axes) if axes is not None else None)(a)


def flip(a, axis=None):
    """`a` read backwards along `axis` (every axis when None), as Keras's ``ops.flip``."""
    return Flip(axis)(a)


def concatenate(tensors, axis=-1):
    return Concatenate(axis)(*tensors)


def stack(tensors, axis=0):
    return Stack(axis)(*tensors)


def cast(a, dtype):
    return Cast(dtype)(a)


def get_item(a, key):
    """``a[key]``: a slice, an index, or an array of indices; the gradient flows back to the places read."""
    return GetItem(_index(key))(a)


def expand_dims(a, axis):
    """A new axis of size 1 at `axis` (``numpy.expand_dims``)."""
    shape = list(a.shape)
    shape.insert(axis % (len(shape) + 1), 1)
    return reshape(a, shape)


def squeeze(a, axis):
    """Remove `axis`, which must have size 1."""
    shape = list(a.shape)
    if shape[axis] != 1:
        raise ValueError(f"squeeze: axis {axis} of shape {tuple(shape)} has size {shape[axis]}; only an axis of "
                         f"size 1 can be removed.")
    del shape[axis]
    return reshape(a, shape)


def repeat(a, repeats, axis):
    return Repeat(repeats, axis)(a)


def tile(a, reps):
    """Repeat the whole array along each axis (``numpy.tile``): `reps` shorter than the rank is padded with 1s
    in front, and longer gives `a` new leading axes of size 1."""
    reps = (reps,) if isinstance(reps, int) else tuple(reps)
    if len(reps) > len(a.shape):
        a = reshape(a, (1,) * (len(reps) - len(a.shape)) + tuple(a.shape))
    return Tile((1,) * (len(a.shape) - len(reps)) + reps)(a)


# --- without gradients: indices, comparisons and rounding ---------------------------

def argmax(a, axis=-1):
    data = as_array(a)
    return Tensor(_xp(data).argmax(data, axis=axis))


def argmin(a, axis=-1):
    data = as_array(a)
    return Tensor(_xp(data).argmin(data, axis=axis))


def round(a):  # noqa: A001 - Keras's name
    """To the nearest integer, halves to even (as NumPy and TensorFlow round)."""
    data = as_array(a)
    return Tensor(_xp(data).round(data))


def equal(a, b):
    return Tensor(as_array(a) == as_array(b))


def not_equal(a, b):
    return Tensor(as_array(a) != as_array(b))


def less(a, b):
    return Tensor(as_array(a) < as_array(b))


def less_equal(a, b):
    return Tensor(as_array(a) <= as_array(b))


def greater(a, b):
    return Tensor(as_array(a) > as_array(b))


def greater_equal(a, b):
    return Tensor(as_array(a) >= as_array(b))


def _index(key):
    return key.data if isinstance(key, Tensor) else key


def _defers(other):
    """A symbolic tensor (``KerasTensor.symbolic``) handles the operator itself: ``tensor * keras_tensor``
    then becomes a node of the graph (Python calls its ``__rmul__`` when ours returns NotImplemented)."""
    return getattr(other, "symbolic", False) is True


Tensor.__add__ = lambda self, other: NotImplemented if _defers(other) else add(self, other)
Tensor.__radd__ = lambda self, other: add(other, self)
Tensor.__sub__ = lambda self, other: NotImplemented if _defers(other) else subtract(self, other)
Tensor.__rsub__ = lambda self, other: subtract(other, self)
Tensor.__mul__ = lambda self, other: NotImplemented if _defers(other) else multiply(self, other)
Tensor.__rmul__ = lambda self, other: multiply(other, self)
Tensor.__truediv__ = lambda self, other: NotImplemented if _defers(other) else divide(self, other)
Tensor.__rtruediv__ = lambda self, other: divide(other, self)
Tensor.__neg__ = lambda self: negative(self)
Tensor.__pow__ = lambda self, exponent: power(self, exponent)
Tensor.__matmul__ = lambda self, other: NotImplemented if _defers(other) else matmul(self, other)
Tensor.__rmatmul__ = lambda self, other: matmul(other, self)
Tensor.__getitem__ = lambda self, key: get_item(self, key)
Tensor.__abs__ = lambda self: abs(self)
Tensor.__lt__ = lambda self, other: NotImplemented if _defers(other) else less(self, other)
Tensor.__le__ = lambda self, other: NotImplemented if _defers(other) else less_equal(self, other)
Tensor.__gt__ = lambda self, other: NotImplemented if _defers(other) else greater(self, other)
Tensor.__ge__ = lambda self, other: NotImplemented if _defers(other) else greater_equal(self, other)
Tensor.T = property(lambda self: transpose(self))
Tensor.reshape = lambda self, *shape: reshape(self, shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)
Tensor.sum = lambda self, axis=None, keepdims=False: sum(self, axis, keepdims)
Tensor.mean = lambda self, axis=None, keepdims=False: mean(self, axis, keepdims)
Tensor.astype = lambda self, dtype: cast(self, dtype)
