"""The array module (NumPy or CuPy), floatx, random numbers, and Keras's backend functions.

``import kerasbook.backend as K`` gives the functions a user writes custom losses
and metrics with (``K.mean``, ``K.square``, …). They are the differentiable ops of
`kerasbook.ops`, so code written with them trains.
"""
from .allocator import keep_freed_memory
from .array_module import (
    backend, epsilon, floatx, image_data_format, set_backend, set_epsilon, set_floatx, to_device,
    to_numpy, xp, xp_of,
)
from .naming import clear_session, unique_name
from .random import set_random_seed
from .threads import fit_blas_threads_to_quota

keep_freed_memory()
fit_blas_threads_to_quota()
# The ops below import the modules above, which are already loaded at this point.
from ..ops import (  # noqa: E402
    Tensor, Variable, abs, cast, clip, concatenate, elu, exp, hard_sigmoid, log, max, maximum,
    mean, min, minimum, relu, reshape, selu, sigmoid, softmax, softplus, softsign, sqrt, square,
    stack, sum, tanh, transpose,
)
from ..ops.losses import binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy  # noqa: E402
from ..ops.math import matmul as dot, power as pow  # noqa: E402,A001


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
