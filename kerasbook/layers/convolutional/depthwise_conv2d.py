"""`DepthwiseConv2D`: each channel filtered on its own, ``activation(depthwise_conv2d(x, kernel) + bias)``."""
from ... import activations
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops.convolution import output_length
from ...ops.depthwise_convolution import depthwise_conv2d
from .base_conv import as_tuple, check_channels_last


class DepthwiseConv2D(Layer):
    """Depthwise 2-D convolution: `depth_multiplier` kernels per input channel, no mixing of channels.

    The kernel is (kh, kw, channels, depth_multiplier) and the output has
    channels * depth_multiplier channels, as in Keras.

    Example:
        DepthwiseConv2D((3, 3), padding='same', depth_multiplier=2)
    """

    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        label = f"{type(self).__name__} '{self.name}'"
        if not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
            raise ValueError(f"{label}: depth_multiplier must be a positive integer, received {depth_multiplier!r}.")
        self.depth_multiplier = depth_multiplier
        self.kernel_size = as_tuple(kernel_size, self.rank, "kernel_size", self)
        self.strides = as_tuple(strides, self.rank, "strides", self)
        self.dilation_rate = as_tuple(dilation_rate, self.rank, "dilation_rate", self)
        self.padding = padding.lower() if isinstance(padding, str) else padding
        if self.padding not in ("valid", "same"):
            raise ValueError(f"{label}: padding must be one of ('valid', 'same'), received {padding!r}.")
        check_channels_last(self, data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer, self.bias_initializer = depthwise_initializer, bias_initializer
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.compute_output_shape(input_shape)  # refuse inputs smaller than the kernel now
        self.kernel = self.add_weight("kernel", self.kernel_size + (channels, self.depth_multiplier),
                                      self.depthwise_initializer)
        self.bias = (self.add_weight("bias", (channels * self.depth_multiplier,), self.bias_initializer)
                     if self.use_bias else None)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels})

    def _channels(self, input_shape):
        if input_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs the channels (last axis) of its input "
                             f"to be known, received shape {input_shape}.")
        return input_shape[-1]

    def call(self, inputs):
        return self.activation(depthwise_conv2d(inputs, self.kernel, self.bias, self.strides, self.padding,
                                                self.dilation_rate))

    def compute_output_shape(self, input_shape):
        return self._spatial_output_shape(input_shape) + (self._channels(input_shape) * self.depth_multiplier,)

    def _spatial_output_shape(self, input_shape):
        """(batch, out_h, out_w) of a convolution with this layer's kernel size, strides, padding and dilation."""
        sizes = tuple(output_length(size, window, stride, self.padding, dilation) for size, window, stride, dilation
                      in zip(input_shape[1:-1], self.kernel_size, self.strides, self.dilation_rate))
        if 0 in sizes:
            raise ValueError(f"{type(self).__name__} '{self.name}': input of shape {tuple(input_shape)} is smaller "
                             f"than the kernel {self.kernel_size} with dilation_rate {self.dilation_rate} and "
                             f"padding '{self.padding}'; the output would be empty.")
        return (input_shape[0],) + sizes

    def get_config(self):
        return {**super().get_config(), "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "depth_multiplier": self.depth_multiplier, "data_format": "channels_last",
                "dilation_rate": self.dilation_rate, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "depthwise_initializer": self.depthwise_initializer,
                "bias_initializer": self.bias_initializer}
