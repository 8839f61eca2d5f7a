"""Mean-and-variance normalization, composed from the primitives in `math` (no backward of its own).

Keras 3 names these ``keras.ops.moments`` and ``keras.ops.batch_normalization``;
BatchNormalization and LayerNormalization differ only in the axes they reduce.
"""
from . import math


def moments(x, axes):
    """The mean and the biased (divide-by-n) variance of `x` over `axes`, keeping those axes as size 1.

    Written as the mean of squared deviations, which keeps its precision when the
    mean is large; Keras's torch backend writes ``E[x²] - E[x]²``, equal in exact
    arithmetic.
    """
    mean = math.mean(x, axis=tuple(axes), keepdims=True)
    variance = math.mean(math.square(x - mean), axis=tuple(axes), keepdims=True)
    return mean, variance


def batch_normalization(x, mean, variance, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``; every argument broadcasts against `x`."""
    inverse_std = 1.0 / math.sqrt(variance + epsilon)
    if scale is not None:
        inverse_std = inverse_std * scale
    normalized = (x - mean) * inverse_std
    return normalized if offset is None else normalized + offset
