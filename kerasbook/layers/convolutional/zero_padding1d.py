"""`ZeroPadding1D`: zeros added at the start and end of sequences."""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops.convolution import zero_pad2d
from ...ops.math import reshape
from .base_conv import check_channels_last


class ZeroPadding1D(Layer):
    """Pads (batch, steps, features) with `padding` = (start, end) steps of zeros; an int pads both ends.

    Example:
        ZeroPadding1D(2)  # 10 steps -> 14
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(self, data_format)
        pair = (padding, padding) if isinstance(padding, int) else tuple(padding)
        if len(pair) != 2 or not all(isinstance(p, int) and p >= 0 for p in pair):
            raise ValueError(f"ZeroPadding1D '{self.name}': padding must be an int or a pair (start, end) of ints "
                             f"0 or more, received {padding!r}.")
        self.padding = pair
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        n, steps, features = inputs.shape
        padded = zero_pad2d(reshape(inputs, (n, 1, steps, features)), ((0, 0), self.padding))
        return reshape(padded, (n, steps + sum(self.padding), features))

    def compute_output_shape(self, input_shape):
        batch, steps, features = input_shape
        return (batch, None if steps is None else steps + sum(self.padding), features)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": "channels_last"}
