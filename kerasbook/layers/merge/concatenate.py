"""`Concatenate`: join inputs along one axis; every other axis must agree."""
from ...engine.layer import Layer
from ...ops import math as ops


class Concatenate(Layer):
    """Example: ``concatenate([lstm_out, auxiliary_input])`` joins along the last axis."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return ops.concatenate(list(inputs), axis=self.axis)

    def build(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) < 2:
            raise ValueError(f"Concatenate '{self.name}' must be called on a list of at least 2 inputs; "
                             f"received {input_shape}.")

    def _check_and_build(self, input_shapes):
        super()._check_and_build(input_shapes)
        self.compute_output_shape(input_shapes)

    def compute_output_shape(self, input_shape):
        shapes = [tuple(shape) for shape in input_shape]
        rank = len(shapes[0])
        axis = self.axis % rank if -rank <= self.axis < rank else None
        if axis is None or any(len(shape) != rank for shape in shapes):
            raise ValueError(f"Concatenate '{self.name}' (axis={self.axis}) requires inputs of the same rank, with "
                             f"the axis inside it; received shapes {shapes}.")
        result = list(shapes[0])
        for shape in shapes[1:]:
            for i, (a, b) in enumerate(zip(result, shape)):
                if i == axis:
                    result[i] = None if a is None or b is None else a + b
                elif a is not None and b is not None and a != b:
                    raise ValueError(f"Concatenate '{self.name}' requires inputs with matching shapes except for the "
                                     f"concatenation axis {self.axis}; received shapes {shapes} "
                                     f"(axis {i} differs: {a} vs {b}).")
                else:
                    result[i] = a if a is not None else b
        return tuple(result)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
