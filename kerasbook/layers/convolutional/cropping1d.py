"""`Cropping1D`: steps cut off the start and end of sequences."""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer


class Cropping1D(Layer):
    """Removes `cropping` = (start, end) steps from (batch, steps, features); an int crops both ends.

    Example:
        Cropping1D((1, 2))  # 10 steps -> 7
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        pair = (cropping, cropping) if isinstance(cropping, int) else tuple(cropping)
        if len(pair) != 2 or not all(isinstance(c, int) and c >= 0 for c in pair):
            raise ValueError(f"Cropping1D '{self.name}': cropping must be an int or a pair (start, end) of ints "
                             f"0 or more, received {cropping!r}.")
        self.cropping = pair
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        steps = self.compute_output_shape(tuple(inputs.shape))[1]
        return inputs[:, self.cropping[0]: self.cropping[0] + steps]

    def compute_output_shape(self, input_shape):
        batch, steps, features = input_shape
        if steps is not None and sum(self.cropping) >= steps:
            raise ValueError(f"Cropping1D '{self.name}': cropping {self.cropping} must leave at least one step, "
                             f"received input of shape {tuple(input_shape)}.")
        return (batch, None if steps is None else steps - sum(self.cropping), features)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}
