"""What max and average pooling layers share: pool size, strides, padding, output shape and config."""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops.convolution import output_length
from ..convolutional.base_conv import as_tuple, check_channels_last


class BasePooling(Layer):
    """Summarise each window of `pool_size` steps or pixels; `strides` defaults to `pool_size`.

    Subclasses set `rank` and write `call` with their op.
    """

    rank = None

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = as_tuple(pool_size, self.rank, "pool_size", self)
        self.strides = self.pool_size if strides is None else as_tuple(strides, self.rank, "strides", self)
        self.padding = padding.lower() if isinstance(padding, str) else padding
        if self.padding not in ("valid", "same"):
            raise ValueError(f"{type(self).__name__} '{self.name}': padding must be 'valid' or 'same', "
                             f"received {padding!r}.")
        check_channels_last(self, data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def compute_output_shape(self, input_shape):
        sizes = tuple(output_length(size, window, stride, self.padding)
                      for size, window, stride in zip(input_shape[1:-1], self.pool_size, self.strides))
        if 0 in sizes:
            raise ValueError(f"{type(self).__name__} '{self.name}': input of shape {tuple(input_shape)} is "
                             f"smaller than the pool {self.pool_size} with padding '{self.padding}'; "
                             "the output would be empty.")
        return (input_shape[0],) + sizes + (input_shape[-1],)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding, "data_format": "channels_last"}
