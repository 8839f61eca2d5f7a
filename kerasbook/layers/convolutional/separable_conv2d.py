"""`SeparableConv2D`: a depthwise convolution, then a 1x1 convolution that mixes the channels."""
from ...engine.input_spec import InputSpec
from ...ops.depthwise_convolution import separable_conv2d
from .depthwise_conv2d import DepthwiseConv2D


class SeparableConv2D(DepthwiseConv2D):
    """Depthwise separable 2-D convolution: ``activation(pointwise(depthwise(x)) + bias)``.

    Weights in Keras's order and layouts: depthwise_kernel (kh, kw, channels,
    depth_multiplier), pointwise_kernel (1, 1, channels * depth_multiplier,
    filters), bias (filters,). A 3x3 layer from 64 to 128 channels has
    9*64 + 64*128 + 128 = 8896 weights, against 73856 for a Conv2D.

    Example:
        SeparableConv2D(128, (3, 3), padding='same', activation='relu')
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1),
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding, depth_multiplier=depth_multiplier,
                         data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': filters must be a positive integer, "
                             f"received {filters!r}.")
        self.filters = filters
        self.pointwise_initializer = pointwise_initializer

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.compute_output_shape(input_shape)
        depthwise_shape = self.kernel_size + (channels, self.depth_multiplier)
        pointwise_shape = (1, 1, channels * self.depth_multiplier, self.filters)
        self.depthwise_kernel = self.add_weight("depthwise_kernel", depthwise_shape, self.depthwise_initializer)
        self.pointwise_kernel = self.add_weight("pointwise_kernel", pointwise_shape, self.pointwise_initializer)
        self.bias = self.add_weight("bias", (self.filters,), self.bias_initializer) if self.use_bias else None
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels})

    def call(self, inputs):
        return self.activation(separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel, self.bias,
                                                self.strides, self.padding, self.dilation_rate))

    def compute_output_shape(self, input_shape):
        return self._spatial_output_shape(input_shape) + (self.filters,)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "pointwise_initializer": self.pointwise_initializer}
