"""`Cropping2D`: rows and columns cut off the edges of images."""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from .base_conv import check_channels_last


class Cropping2D(Layer):
    """Removes rows and columns from the edges of (batch, height, width, channels) images.

    `cropping` is an int (all four sides), (rows, columns) (symmetric), or
    ((top, bottom), (left, right)), as in Keras.

    Example:
        Cropping2D(((2, 2), (4, 4)))  # (28, 28, 3) -> (24, 20, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(self, data_format)
        self.cropping = self._pairs(cropping)
        self.input_spec = InputSpec(ndim=4)

    def _pairs(self, cropping):
        if isinstance(cropping, int):
            pairs = ((cropping, cropping), (cropping, cropping))
        elif len(cropping) == 2 and all(isinstance(c, int) for c in cropping):
            pairs = ((cropping[0], cropping[0]), (cropping[1], cropping[1]))
        elif len(cropping) == 2 and all(not isinstance(c, int) and len(c) == 2 for c in cropping):
            pairs = tuple(tuple(c) for c in cropping)
        else:
            pairs = None
        if pairs is None or not all(isinstance(c, int) and c >= 0 for pair in pairs for c in pair):
            raise ValueError(f"Cropping2D '{self.name}': cropping must be an int, (rows, columns) or "
                             f"((top, bottom), (left, right)) of ints 0 or more, received {cropping!r}.")
        return pairs

    def call(self, inputs):
        _, height, width, _ = self.compute_output_shape(tuple(inputs.shape))
        (top, _), (left, _) = self.cropping
        return inputs[:, top: top + height, left: left + width]

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        for size, pair in zip((height, width), self.cropping):
            if size is not None and sum(pair) >= size:
                raise ValueError(f"Cropping2D '{self.name}': cropping {self.cropping} must be smaller than the "
                                 f"height and width, received input of shape {tuple(input_shape)}.")
        (top, bottom), (left, right) = self.cropping
        return (batch, None if height is None else height - top - bottom,
                None if width is None else width - left - right, channels)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": "channels_last"}
