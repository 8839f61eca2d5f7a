"""`Conv2DTranspose`: a learnable upsampling, the convolution run backwards."""
from ...ops.convolution import conv2d_transpose
from .base_conv_transpose import BaseConvTranspose


class Conv2DTranspose(BaseConvTranspose):
    """Transposed 2-D convolution of (batch, height, width, channels) with a (kh, kw, filters, channels) kernel.

    With strides=2 and padding='same' the output is twice as tall and wide: the
    decoder half of a convolutional autoencoder.

    Example:
        Conv2DTranspose(32, (3, 3), strides=2, padding='same', activation='relu')  # 7x7 -> 14x14
    """

    rank = 2

    def call(self, inputs):
        return self.activation(conv2d_transpose(inputs, self.kernel, self.bias, self.strides, self.padding,
                                                self.output_padding, self.dilation_rate))
