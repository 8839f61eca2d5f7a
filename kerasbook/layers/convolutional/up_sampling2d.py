"""`UpSampling2D`: images made `size` times taller and wider, by repeating pixels or interpolating."""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops.resizing import repeat, resize_bilinear
from .base_conv import as_tuple, check_channels_last


class UpSampling2D(Layer):
    """Upsamples (batch, height, width, channels) to (batch, height * size[0], width * size[1], channels).

    interpolation='nearest' repeats each row and column; 'bilinear' blends the
    nearest four pixels, as Keras 3 resizes (half-pixel centres, edges held).

    Example:
        UpSampling2D((2, 2))  # the decoder of a convolutional autoencoder: 7x7 -> 14x14
    """

    interpolations = ("nearest", "bilinear")

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = as_tuple(size, 2, "size", self)
        check_channels_last(self, data_format)
        self.interpolation = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if self.interpolation not in self.interpolations:
            raise ValueError(f"UpSampling2D '{self.name}': interpolation must be one of {self.interpolations}, "
                             f"received {interpolation!r}.")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        if self.interpolation == "bilinear":
            _, height, width, _ = inputs.shape
            return resize_bilinear(inputs, (height * self.size[0], width * self.size[1]))
        return repeat(repeat(inputs, self.size[0], axis=1), self.size[1], axis=2)

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (batch, None if height is None else height * self.size[0],
                None if width is None else width * self.size[1], channels)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": "channels_last",
                "interpolation": self.interpolation}
