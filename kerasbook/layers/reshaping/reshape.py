"""`Reshape`: a new shape for each sample (the batch axis is kept)."""
import math

from ...engine.layer import Layer
from ...ops import math as ops


class Reshape(Layer):
    """Example: ``Reshape((3, 4))`` turns (batch, 12) into (batch, 3, 4); one size may be -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)
        if self.target_shape.count(-1) > 1:
            raise ValueError(f"Reshape '{self.name}': at most one unknown size (-1) is allowed, "
                             f"received target_shape={self.target_shape}.")

    def _check_and_build(self, input_shapes):
        super()._check_and_build(input_shapes)
        self.compute_output_shape(input_shapes)  # a size mismatch names this layer, eagerly too

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        size = None if None in input_shape[1:] else math.prod(input_shape[1:])
        known = math.prod(d for d in self.target_shape if d != -1)
        if -1 in self.target_shape:
            fill = None if size is None else size // known
            if size is not None and fill * known != size:
                raise ValueError(f"Reshape '{self.name}': cannot reshape {input_shape} into {self.target_shape}.")
            return (input_shape[0],) + tuple(fill if d == -1 else d for d in self.target_shape)
        if size is not None and size != known:
            raise ValueError(f"Reshape '{self.name}': total size of new shape {self.target_shape} ({known}) must "
                             f"equal the size of the input {input_shape[1:]} ({size}).")
        return (input_shape[0],) + self.target_shape

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}
