"""Keras's backend functions: ``import kerasbook.backend as K``.

The functions a user writes custom losses, metrics and layers with (``K.mean``,
``K.square``, …) are the differentiable ops of `kerasbook.ops`, so code written
with them trains. Beside them are Keras's backend settings (``K.floatx()``,
``K.set_backend('cupy')``), which live in `kerasbook.config` and
`kerasbook.runtime`.
"""
from .config import backend, epsilon, floatx, image_data_format, set_epsilon, set_floatx, set_image_data_format
from .ops import (
    Tensor, Variable, abs, cast, clip, concatenate, elu, exp, hard_sigmoid, log, max, maximum,
    mean, min, minimum, relu, reshape, selu, sigmoid, softmax, softplus, softsign, sqrt, square,
    stack, sum, tanh, transpose,
)
from .ops.losses import binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy
from .ops.math import matmul as dot, power as pow  # noqa: A001
from .runtime import clear_session, set_backend, set_random_seed, to_device, to_numpy, unique_name, xp, xp_of


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def variable(value, dtype=None, name=None):
    """A trainable variable holding `value` (a list, a NumPy or a device array, a tensor)."""
    return Variable(to_device(_data(value)), name=name or "variable", dtype=dtype)


def constant(value, dtype=None):
    return Tensor(to_device(_data(value), dtype=dtype or floatx()))


def zeros(shape, dtype=None):
    return Tensor(xp().zeros(shape, dtype=dtype or floatx()))


def ones(shape, dtype=None):
    return Tensor(xp().ones(shape, dtype=dtype or floatx()))


def get_value(x):
    """A copy of the values of a tensor or variable, as a NumPy array (later changes don't reach it)."""
    data = _data(x)
    values = to_numpy(data)
    return values.copy() if values is data else values


eval = get_value  # noqa: A001 - Keras's name


def set_value(x, value):
    x.assign(value)


def int_shape(x):
    return tuple(x.shape)


def ndim(x):
    return len(x.shape)


def argmax(x, axis=-1):
    data = _data(x)
    return Tensor(xp_of(data).argmax(data, axis=axis))


def equal(a, b):
    return Tensor(_data(a) == _data(b))


def std(x, axis=None, keepdims=False):
    centred = x - mean(x, axis=axis, keepdims=True)
    return sqrt(mean(square(centred), axis=axis, keepdims=keepdims))
