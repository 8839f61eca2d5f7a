"""Weight constraints with Keras 3's formulas, by name or as objects.

A constraint maps a weight to the nearest allowed weight. The optimizer applies
it right after every update (``variable.assign(constraint(variable))``, as Keras
3 does), so the weights training leaves behind always obey it; the gradient
never sees it.

`axis` says which axes make up one unit's incoming weights: 0 for a Dense kernel
(input_dim, units), ``[0, 1, 2]`` for a Conv2D kernel (rows, cols, channels,
filters). The norms are taken over those axes, one per unit.

Example:
    Dense(64, kernel_constraint=constraints.max_norm(2.0))
"""
from . import ops
from .config import epsilon
from .runtime.naming import snake_case
from .saving import object_registration, serialization_lib


class Constraint:
    """The base class: call it on a weight to get the projected weight (this one changes nothing)."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    """Rescale each unit's incoming weights whose L2 norm exceeds `max_value` down to it (Srivastava et al.)."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return w * (desired / (epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Set negative weights to zero."""

    def __call__(self, w):
        return ops.maximum(w, 0.0)


class UnitNorm(Constraint):
    """Scale each unit's incoming weights to L2 norm 1."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Move each unit's incoming-weight norm into [min_value, max_value].

    `rate` 1 moves it all the way at every step; a smaller rate moves it that
    fraction of the way: the new norm is ``rate * clip(norm) + (1 - rate) * norm``.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * ops.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


# Keras's lower-case spellings (Keras 1 and 2 also wrote maxnorm, nonneg, unitnorm).
max_norm = maxnorm = MaxNorm
non_neg = nonneg = NonNeg
unit_norm = unitnorm = UnitNorm
min_max_norm = MinMaxNorm

_BY_NAME = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm,
            "maxnorm": MaxNorm, "nonneg": NonNeg, "unitnorm": UnitNorm}

object_registration.register_builtins("constraints", {"Constraint": Constraint, "MaxNorm": MaxNorm,
                                                      "NonNeg": NonNeg, "UnitNorm": UnitNorm,
                                                      "MinMaxNorm": MinMaxNorm})


def serialize(constraint):
    """Keras's config of a constraint (None stays None)."""
    return serialization_lib.serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    return serialization_lib.deserialize_keras_object(config, custom_objects, category="constraints")


def get(identifier):
    """None, a name ('max_norm', 'MaxNorm'), a saved config, a class, an instance, or a function of one weight."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        key = identifier if identifier in _BY_NAME else snake_case(identifier)
        if key not in _BY_NAME:
            raise ValueError(f"Unknown constraint {identifier!r}. Expected one of: "
                             f"{', '.join(repr(name) for name in sorted(_BY_NAME))}, or a Constraint object.")
        return _BY_NAME[key]()
    if isinstance(identifier, type) and issubclass(identifier, Constraint):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint {identifier!r}: expected a name such as 'max_norm', a "
                     f"Constraint or a function of one weight.")
