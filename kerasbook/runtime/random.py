"""Seeded random numbers, drawn on the host so every backend gets the same weights."""
import random as python_random

import numpy

from ..config import backend, floatx
from .array_module import to_device

_generator = {"rng": numpy.random.default_rng()}


def set_random_seed(seed):
    """Make weight initialisation, dropout and shuffling repeatable.

    Example:
        kerasbook.utils.set_random_seed(42)
    """
    python_random.seed(seed)
    numpy.random.seed(seed)
    _generator.clear()
    _generator["rng"] = numpy.random.default_rng(seed)


def generator():
    """The host random generator every random draw in kerasbook comes from."""
    return _generator["rng"]


def _draw_dtype(dtype):
    """Draw float32 numbers directly for float32 weights: a 160M-weight layer then needs 640 MB, not 1.9 GB."""
    return numpy.float64 if numpy.dtype(dtype or floatx()) == numpy.float64 else numpy.float32


def _on_device(values, dtype):
    return to_device(values.astype(dtype or floatx(), copy=False))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None):
    values = generator().random(size=shape, dtype=_draw_dtype(dtype))
    values *= maxval - minval
    values += minval
    return _on_device(values, dtype)


def _standard_normal(shape, dtype):
    return generator().standard_normal(size=shape, dtype=_draw_dtype(dtype))


def normal(shape, mean=0.0, stddev=1.0, dtype=None):
    values = _standard_normal(shape, dtype)
    values *= stddev
    values += mean
    return _on_device(values, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal draws re-drawn until they lie within two standard deviations."""
    values = _standard_normal(shape, dtype)
    outside = numpy.abs(values) > 2.0
    while outside.any():
        values[outside] = _standard_normal(int(outside.sum()), dtype)
        outside = numpy.abs(values) > 2.0
    values *= stddev
    values += mean
    return _on_device(values, dtype)


def dropout_mask(shape, rate, dtype=None):
    """A mask of 0 and 1/(1-rate): kept units are scaled so the expected sum is unchanged.

    On a GPU the mask is drawn there, from a device generator seeded by the host
    one: copying a fresh mask over every step would cost more than the layer.
    """
    if backend() == "cupy":
        draws = _device_generator().random(size=shape, dtype=numpy.float32)
    else:
        draws = to_device(generator().random(size=shape, dtype=numpy.float32))
    return (draws >= rate).astype(dtype or floatx()) * (1.0 / (1.0 - rate))


def _device_generator():
    if "device" not in _generator:
        import cupy
        _generator["device"] = cupy.random.default_rng(int(generator().integers(2 ** 63)))
    return _generator["device"]


def permutation(n):
    return generator().permutation(n)
