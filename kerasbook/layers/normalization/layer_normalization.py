"""`LayerNormalization`: each sample rescaled to mean 0 and variance 1 over its own features.

Unlike BatchNormalization it looks at one sample at a time, so training and
inference compute the same thing and nothing is tracked between batches.
"""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops import math, normalization
from ..axes import broadcast_shape, canonical_axes


class LayerNormalization(Layer):
    """``gamma * (x - mean) / sqrt(var + epsilon) + beta``, mean and biased variance over `axis` (an int or a list).

    ``gamma`` and ``beta`` have the shape of the normalized axes, as in Keras 3.

    Example:
        x = LayerNormalization(epsilon=1e-6)(x + attention_output)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        if not (isinstance(axis, int) or isinstance(axis, (list, tuple)) and all(isinstance(a, int) for a in axis)):
            raise TypeError(f"LayerNormalization '{self.name}' expected an int or a list of ints for axis, "
                            f"received axis={axis!r}.")
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon, self.center, self.scale = float(epsilon), center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer

    def build(self, input_shape):
        self._axes = canonical_axes(self, self.axis if isinstance(self.axis, list) else [self.axis], input_shape,
                                    sizes_known=True)
        shape = tuple(input_shape[axis] for axis in self._axes)
        self.gamma = self.add_weight("gamma", shape, self.gamma_initializer) if self.scale else None
        self.beta = self.add_weight("beta", shape, self.beta_initializer) if self.center else None
        self._broadcast_shape = broadcast_shape(input_shape, self._axes)
        self.input_spec = InputSpec(ndim=len(input_shape), axes={axis: input_shape[axis] for axis in self._axes})

    def call(self, inputs):
        mean, variance = normalization.moments(inputs, self._axes)
        return normalization.batch_normalization(inputs, mean, variance, offset=self._broadcast(self.beta),
                                                 scale=self._broadcast(self.gamma), epsilon=self.epsilon)

    def _broadcast(self, weight):
        return None if weight is None else math.reshape(weight, self._broadcast_shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "beta_initializer": self.beta_initializer,
                "gamma_initializer": self.gamma_initializer}
