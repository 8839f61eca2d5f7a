"""`UpSampling1D`: every step of a sequence repeated `size` times."""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops.resizing import repeat


class UpSampling1D(Layer):
    """Repeats each step of (batch, steps, features) `size` times: (batch, steps * size, features).

    Example:
        UpSampling1D(2)  # [a, b, c] -> [a, a, b, b, c, c]
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise ValueError(f"UpSampling1D '{self.name}': size must be a positive integer, received {size!r}.")
        self.size = size
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        batch, steps, features = input_shape
        return (batch, None if steps is None else steps * self.size, features)

    def get_config(self):
        return {**super().get_config(), "size": self.size}
