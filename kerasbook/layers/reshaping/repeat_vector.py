"""`RepeatVector`: repeat a (batch, features) input n times into (batch, n, features)."""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops import math as ops


class RepeatVector(Layer):
    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return ops.stack([inputs] * self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
