"""Seeded random numbers, drawn on the host so every backend gets the same weights."""
import random as python_random

import numpy

from .array_module import floatx, to_device

_generator = {"rng": numpy.random.default_rng()}


def set_random_seed(seed):
    """Make weight initialisation, dropout and shuffling repeatable.

    Example:
        kerasbook.utils.set_random_seed(42)
    """
    python_random.seed(seed)
    numpy.random.seed(seed)
    _generator["rng"] = numpy.random.default_rng(seed)


def generator():
    """The host random generator every random draw in kerasbook comes from."""
    return _generator["rng"]


def _on_device(values, dtype):
    return to_device(values.astype(dtype or floatx(), copy=False))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None):
    return _on_device(generator().uniform(minval, maxval, size=shape), dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=None):
    return _on_device(generator().normal(mean, stddev, size=shape), dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal draws re-drawn until they lie within two standard deviations."""
    values = generator().normal(0.0, 1.0, size=shape)
    outside = numpy.abs(values) > 2.0
    while outside.any():
        values[outside] = generator().normal(0.0, 1.0, size=int(outside.sum()))
        outside = numpy.abs(values) > 2.0
    return _on_device(mean + stddev * values, dtype)


def dropout_mask(shape, rate, dtype=None):
    """A mask of 0 and 1/(1-rate): kept units are scaled so the expected sum is unchanged."""
    keep = generator().random(size=shape, dtype=numpy.float32) >= rate
    return _on_device(keep / numpy.float32(1.0 - rate), dtype)


def permutation(n):
    return generator().permutation(n)
