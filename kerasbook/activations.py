"""Activation functions by Keras name: ``activations.get('relu')``."""
from .ops import activations as _ops

relu = _ops.relu
sigmoid = _ops.sigmoid
tanh = _ops.tanh
softmax = _ops.softmax
elu = _ops.elu
selu = _ops.selu
softplus = _ops.softplus
softsign = _ops.softsign
hard_sigmoid = _ops.hard_sigmoid
leaky_relu = _ops.leaky_relu
linear = _ops.linear

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
