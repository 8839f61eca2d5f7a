"""`ZeroPadding2D`: rows and columns of zeros around images."""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops.convolution import zero_pad2d
from .base_conv import check_channels_last


class ZeroPadding2D(Layer):
    """Pads (batch, height, width, channels) images with zeros.

    `padding` is an int (all four sides), (rows, columns) (symmetric), or
    ((top, bottom), (left, right)), as in Keras.

    Example:
        ZeroPadding2D(((1, 0), (1, 0)))  # one row on top, one column on the left
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(self, data_format)
        self.padding = self._pairs(padding)
        self.input_spec = InputSpec(ndim=4)

    def _pairs(self, padding):
        if isinstance(padding, int):
            return ((padding, padding), (padding, padding))
        if len(padding) == 2 and all(isinstance(p, int) for p in padding):
            return ((padding[0], padding[0]), (padding[1], padding[1]))
        if len(padding) == 2 and all(len(p) == 2 for p in padding):
            return tuple(tuple(p) for p in padding)
        raise ValueError(f"ZeroPadding2D '{self.name}': padding must be an int, (rows, columns) or "
                         f"((top, bottom), (left, right)), received {padding!r}.")

    def call(self, inputs):
        return zero_pad2d(inputs, self.padding)

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        (top, bottom), (left, right) = self.padding
        return (batch, None if height is None else height + top + bottom,
                None if width is None else width + left + right, channels)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": "channels_last"}
