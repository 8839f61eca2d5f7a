"""Weight initializers with Keras 3's formulas, by name or as objects.

Random draws happen on the host (NumPy) and then move to the backend, so the
same seed gives the same weights on every backend.
"""
import inspect
import math

import numpy

from .runtime import random
from .config import floatx
from .runtime.array_module import to_device
from .runtime.naming import snake_case
from .saving import object_registration, serialization_lib


def compute_fans(shape):
    """Fan-in and fan-out as Keras computes them (kernels: receptive field × channels)."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        """The constructor's arguments, read back from the attributes of the same names."""
        parameters = inspect.signature(type(self).__init__).parameters.values()
        return {p.name: getattr(self, p.name) for p in parameters
                if p.name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}

    @classmethod
    def from_config(cls, config):
        return cls(**serialization_lib.constructor_arguments(cls, config))


class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return to_device(numpy.zeros(shape, dtype=dtype or floatx()))


class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return to_device(numpy.ones(shape, dtype=dtype or floatx()))


class Constant(Initializer):
    """Every entry `value`; an array value is broadcast to the shape (pretrained embeddings:
    ``Embedding(V, D, embeddings_initializer=Constant(matrix))``)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return to_device(numpy.full(shape, self.value, dtype=dtype or floatx()))

    @classmethod
    def from_config(cls, config):
        return cls(serialization_lib.deserialize_keras_object(config["value"]))


class Identity(Initializer):
    """``gain`` times the identity matrix, for 2-D weights only (Le et al.'s IRNN: a SimpleRNN's recurrent kernel).

    A non-square shape gets ones on its main diagonal, as ``numpy.eye(rows, cols)``.
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer can only be used for 2D matrices, received shape={tuple(shape)} "
                             f"of rank {len(shape)}.")
        return to_device((self.gain * numpy.eye(*shape)).astype(dtype or floatx()))


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=None):
        return random.uniform(shape, self.minval, self.maxval, dtype)


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        return random.normal(shape, self.mean, self.stddev, dtype)


class TruncatedNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        return random.truncated_normal(shape, self.mean, self.stddev, dtype)


class VarianceScaling(Initializer):
    """The family behind Glorot, He and LeCun: variance = scale / fan."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if not scale > 0:
            raise ValueError(f"VarianceScaling: scale must be a positive float, received scale={scale!r}.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be one of 'fan_in', 'fan_out', 'fan_avg', "
                             f"received mode={mode!r}.")
        distribution = distribution.lower()
        if distribution == "normal":  # Keras 2's name for the truncated normal
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"VarianceScaling: distribution must be one of 'uniform', 'truncated_normal', "
                             f"'untruncated_normal', received distribution={distribution!r}.")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, fan)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return random.uniform(shape, -limit, limit, dtype)
        if self.distribution == "untruncated_normal":
            return random.normal(shape, 0.0, math.sqrt(variance), dtype)
        # 0.879… is the standard deviation of a unit normal truncated at ±2.
        return random.truncated_normal(shape, 0.0, math.sqrt(variance) / 0.87962566103423978, dtype)


class GlorotUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "uniform", seed)


class GlorotNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed)


class HeUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(2.0, "fan_in", "uniform", seed)


class HeNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(2.0, "fan_in", "truncated_normal", seed)


class LecunUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_in", "uniform", seed)


class LecunNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_in", "truncated_normal", seed)


class Orthogonal(Initializer):
    """A random orthogonal matrix (QR of a normal draw), Keras's recurrent-kernel default."""

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a weight of at least 2 dimensions, received "
                             f"shape={tuple(shape)} of rank {len(shape)}.")
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        draw = random.generator().normal(size=(max(rows, cols), min(rows, cols)))
        q, r = numpy.linalg.qr(draw)
        q *= numpy.sign(numpy.diag(r))
        if rows < cols:
            q = q.T
        # QR gives a column-major matrix: store it row-major like every other weight.
        return to_device(numpy.ascontiguousarray(self.gain * q.reshape(shape), dtype=dtype or floatx()))


_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "zero": Zeros, "one": Ones,
    "identity": Identity, "identity_initializer": Identity,
    "uniform": RandomUniform, "random_uniform": RandomUniform,
    "normal": RandomNormal, "random_normal": RandomNormal, "truncated_normal": TruncatedNormal,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal, "orthogonal_initializer": Orthogonal, "variance_scaling": VarianceScaling,
}


object_registration.register_builtins("initializers", {**{cls.__name__: cls for cls in _BY_NAME.values()},
                                                       "IdentityInitializer": Identity,  # Keras's older names
                                                       "OrthogonalInitializer": Orthogonal})


def serialize(initializer):
    """Keras's config of an initializer given by name, as an object, or already as a config."""
    if isinstance(initializer, dict):
        return initializer
    return serialization_lib.serialize_keras_object(get(initializer))


def get(identifier):
    """A name ('he_normal'), a class name ('HeNormal'), a saved config, an instance or a callable."""
    if isinstance(identifier, dict):
        return serialization_lib.deserialize_keras_object(identifier, category="initializers")
    if isinstance(identifier, str):
        key = identifier if identifier in _BY_NAME else snake_case(identifier)
        if key in _BY_NAME:
            return _BY_NAME[key]()
        raise ValueError(f"Unknown initializer {identifier!r}. Expected one of: {', '.join(sorted(_BY_NAME))}.")
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer {identifier!r}.")
