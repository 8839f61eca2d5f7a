"""Activation functions by Keras name: ``activations.get('relu')``.

The functions are the ops of `kerasbook.ops.activations`; this module finds them by name.
"""
from .ops.activations import (
    elu, hard_sigmoid, leaky_relu, linear, relu, selu, sigmoid, softmax, softplus, softsign, tanh,
)
from .saving import object_registration, serialization_lib

_BY_NAME = {f.__name__: f for f in (relu, sigmoid, tanh, softmax, elu, selu, softplus, softsign,
                                    hard_sigmoid, leaky_relu, linear)}
object_registration.register_builtins("activations", _BY_NAME)


def get(identifier):
    """A name ('relu'), a callable, a saved config, or None (meaning linear) to an activation function."""
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        identifier = serialization_lib.deserialize_keras_object(identifier, category="activations")
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]
    raise ValueError(f"Unknown activation {identifier!r}. Expected a callable or one of: "
                     f"{', '.join(sorted(_BY_NAME))}.")


def serialize(activation):
    """A built-in activation's name ('relu'); Keras's function config for your own."""
    if _BY_NAME.get(getattr(activation, "__name__", None)) is activation:
        return activation.__name__
    return serialization_lib.serialize_keras_object(activation)
