"""`Conv2D`: a bank of small filters slid over images, ``activation(conv2d(x, kernel) + bias)``."""
from ...ops.convolution import conv2d
from .base_conv import BaseConv


class Conv2D(BaseConv):
    """2-D convolution of (batch, height, width, channels) images with a (kh, kw, channels, filters) kernel.

    Example:
        Conv2D(32, (3, 3), activation='relu', input_shape=(100, 100, 3))
    """

    rank = 2

    def call(self, inputs):
        return self.activation(conv2d(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate))
