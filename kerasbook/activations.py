"""Activation functions by Keras name: ``activations.get('relu')``.

The functions are the ops of `kerasbook.ops.activations`; this module finds them by name.
"""
from .ops.activations import (
    elu, hard_sigmoid, leaky_relu, linear, relu, selu, sigmoid, softmax, softplus, softsign, tanh,
)

_BY_NAME = {f.__name__: f for f in (relu, sigmoid, tanh, softmax, elu, selu, softplus, softsign,
                                    hard_sigmoid, leaky_relu, linear)}


def get(identifier):
    """A name ('relu'), a callable, or None (meaning linear) to an activation function."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]
    raise ValueError(f"Unknown activation {identifier!r}. Expected a callable or one of: "
                     f"{', '.join(sorted(_BY_NAME))}.")


def serialize(activation):
    return getattr(activation, "__name__", repr(activation))
