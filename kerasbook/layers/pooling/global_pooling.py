"""Global pooling: one number per channel, the max or mean over all steps or pixels."""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops.pooling import global_average_pool, global_max_pool
from ..convolutional.base_conv import check_channels_last


class _GlobalPooling(Layer):
    """(batch, ..., channels) to (batch, channels), or (batch, 1, ..., channels) with `keepdims`."""

    rank = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(self, data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return (input_shape[0],) + (1,) * self.rank + (input_shape[-1],)
        return (input_shape[0], input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "data_format": "channels_last", "keepdims": self.keepdims}


class _GlobalMaxPooling(_GlobalPooling):
    def call(self, inputs):
        return global_max_pool(inputs, self.keepdims)


class _GlobalAveragePooling(_GlobalPooling):
    def call(self, inputs):
        return global_average_pool(inputs, self.keepdims)


class GlobalMaxPooling1D(_GlobalMaxPooling):
    """The largest value of each channel over all steps of (batch, steps, channels)."""

    rank = 1


class GlobalMaxPooling2D(_GlobalMaxPooling):
    """The largest value of each channel over all pixels of (batch, height, width, channels)."""

    rank = 2


class GlobalAveragePooling1D(_GlobalAveragePooling):
    """The mean of each channel over all steps of (batch, steps, channels)."""

    rank = 1


class GlobalAveragePooling2D(_GlobalAveragePooling):
    """The mean of each channel over all pixels of (batch, height, width, channels).

    Example:
        GlobalAveragePooling2D()  # (None, 7, 7, 512) -> (None, 512)
    """

    rank = 2
