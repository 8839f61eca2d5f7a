"""What Conv1DTranspose and Conv2DTranspose share: `output_padding`, the kernel's layout, the output shape."""
from ...engine.input_spec import InputSpec
from ...ops.convolution import transpose_output_length
from .base_conv import BaseConv, as_tuple


class BaseConvTranspose(BaseConv):
    """A transposed convolution layer: ``activation(conv_transpose(x, kernel) + bias)``.

    The kernel is (*kernel_size, filters, channels), Keras's layout: the kernel of the
    convolution that this layer runs backwards. Subclasses set `rank` and write `call`.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)
        self.output_padding = None
        if output_padding is not None:
            values = (output_padding,) * self.rank if isinstance(output_padding, int) else tuple(output_padding)
            if len(values) != self.rank or not all(isinstance(v, int) and 0 <= v < s
                                                    for v, s in zip(values, self.strides)):
                raise ValueError(f"{type(self).__name__} '{self.name}': output_padding must be an int or a tuple "
                                 f"of {self.rank} ints, each at least 0 and smaller than strides {self.strides}, "
                                 f"received {output_padding!r}.")
            self.output_padding = values

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs the channels (last axis) of its input "
                             f"to be known, received shape {input_shape}.")
        self.compute_output_shape(input_shape)
        self.add_kernel_and_bias(self.kernel_size + (self.filters, channels))
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels})

    def compute_output_shape(self, input_shape):
        output_padding = self.output_padding or (None,) * self.rank
        sizes = tuple(transpose_output_length(size, window, stride, self.padding, extra, dilation)
                      for size, window, stride, extra, dilation
                      in zip(input_shape[1:-1], self.kernel_size, self.strides, output_padding, self.dilation_rate))
        if any(size is not None and size < 1 for size in sizes):
            raise ValueError(f"{type(self).__name__} '{self.name}': input of shape {tuple(input_shape)} with kernel "
                             f"{self.kernel_size}, padding '{self.padding}' and output_padding "
                             f"{self.output_padding} gives an empty output {sizes}.")
        return (input_shape[0],) + sizes + (self.filters,)

    def get_config(self):
        return {**super().get_config(), "output_padding": self.output_padding}
