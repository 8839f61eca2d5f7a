"""`Flatten`: everything but the batch axis into one axis."""
import math

from ...engine.layer import Layer
from ...ops import math as ops


class Flatten(Layer):
    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))
