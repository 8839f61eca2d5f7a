"""The shared part of elementwise merge layers: several same-shaped inputs, one output."""
from ...engine.layer import Layer


class Merge(Layer):
    """Subclasses say how to combine two tensors in `merge_pair`; inputs are folded left to right."""

    def merge_pair(self, a, b):
        raise NotImplementedError

    def call(self, inputs):
        result = inputs[0]
        for tensor in inputs[1:]:
            result = self.merge_pair(result, tensor)
        return result

    def build(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) < 2:
            raise ValueError(f"{type(self).__name__} '{self.name}' must be called on a list of at least 2 inputs; "
                             f"received {input_shape}.")

    def compute_output_shape(self, input_shape):
        shapes = [tuple(shape) for shape in input_shape]
        result = list(shapes[0])
        for shape in shapes[1:]:
            if len(shape) != len(result) or any(
                    a is not None and b is not None and a != b for a, b in zip(result, shape)):
                raise ValueError(f"{type(self).__name__} '{self.name}' requires inputs with matching shapes; "
                                 f"received shapes {shapes}.")
            result = [a if a is not None else b for a, b in zip(result, shape)]
        return tuple(result)

    def _check_and_build(self, input_shapes):
        super()._check_and_build(input_shapes)
        self.compute_output_shape(input_shapes)
