"""Weight and activity penalties with Keras 3's formulas, by name or as objects.

A regularizer turns a tensor into a scalar penalty that training adds to the
loss: ``L1(l1)`` is ``l1 * sum(|x|)``, ``L2(l2)`` is ``l2 * sum(x**2)``. A
layer given ``kernel_regularizer=L2(1e-4)`` adds that penalty of its current
kernel to `layer.losses` whenever they are read; ``activity_regularizer``
adds the penalty of its output at each call, divided by the batch size (Keras
3). `Model.compute_loss` adds ``sum(model.losses)`` to the loss, so the penalty
is in the gradient and in the loss `fit` reports.

The penalty is written with `kerasbook.ops`, so the tape differentiates it like
any other part of the loss. Any function of one tensor that returns a scalar
works as a regularizer too.

Example:
    Dense(64, activation='relu', kernel_regularizer=regularizers.l2(1e-4))
"""
import math

from . import ops
from .runtime.naming import snake_case
from .saving import object_registration, serialization_lib


class Regularizer:
    """The base class: call it on a tensor to get its penalty."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)``; a factor of 0 leaves its term out.

    Both factors default to 0, as in Keras 2 and 3; the lower-case `l1_l2`
    (Keras 2's spelling) defaults to 0.01 each.
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor(0.0 if l1 is None else l1, "l1", type(self).__name__)
        self.l2 = _factor(0.0 if l2 is None else l2, "l2", type(self).__name__)

    def __call__(self, x):
        x = ops.as_tensor(x)
        penalty = ops.Tensor(x.xp.zeros((), dtype=x.dtype))  # made where x is: no copy to a GPU
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(ops.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|x|)``: pushes weights to exactly zero (sparse weights).

    `l` is Keras 2's name for the factor: ``l1(l=0.01)``.
    """

    def __init__(self, l1=0.01, l=None):  # noqa: E741 - Keras 2's argument name
        l1 = l if l is not None else l1
        self.l1 = _factor(0.01 if l1 is None else l1, "l1", type(self).__name__)

    def __call__(self, x):
        return self.l1 * ops.sum(ops.abs(x))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(x**2)``: weight decay, keeps weights small.

    `l` is Keras 2's name for the factor: ``l2(l=0.01)``.
    """

    def __init__(self, l2=0.01, l=None):  # noqa: E741 - Keras 2's argument name
        l2 = l if l is not None else l2
        self.l2 = _factor(0.01 if l2 is None else l2, "l2", type(self).__name__)

    def __call__(self, x):
        return self.l2 * ops.sum(ops.square(x))

    def get_config(self):
        return {"l2": self.l2}


def l1_l2(l1=0.01, l2=0.01):
    """Keras 2's `l1_l2`: an `L1L2` whose factors default to 0.01 each (Keras 3 documents the same for 'l1_l2')."""
    return L1L2(l1=l1, l2=l2)


# Keras's lower-case spellings of the classes.
l1 = L1
l2 = L2


def _factor(value, name, kind):
    """A penalty factor as a float, refused unless it is a finite number at least 0 (Keras 3's check)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{kind}: {name} must be a non-negative float, received {name}={value!r}.")
    return float(value)


_BY_NAME = {"l1": L1, "l2": L2, "l1l2": L1L2, "l1_l2": l1_l2}

object_registration.register_builtins("regularizers", {"Regularizer": Regularizer, "L1": L1, "L2": L2,
                                                       "L1L2": L1L2})


def serialize(regularizer):
    """Keras's config of a regularizer (None stays None)."""
    return serialization_lib.serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    return serialization_lib.deserialize_keras_object(config, custom_objects, category="regularizers")


def get(identifier):
    """None, a name ('l2', 'L2', 'l1_l2'), a saved config, a class, an instance, or a function of one tensor.

    A name gives the class with its default factor: 'l1' and 'l2' 0.01, 'l1_l2'
    0.01 each (Keras 2's meaning, and Keras 3's documented one).
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        key = identifier if identifier in _BY_NAME else snake_case(identifier)
        if key not in _BY_NAME:
            raise ValueError(f"Unknown regularizer {identifier!r}. Expected one of: 'l1', 'l2', 'l1_l2', "
                             f"or a Regularizer object such as regularizers.l2(1e-4).")
        return _BY_NAME[key]()
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer {identifier!r}: expected a name such as 'l2', a Regularizer "
                     f"or a function of one tensor.")
