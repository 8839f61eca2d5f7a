"""`Conv1DTranspose`: a learnable upsampling of sequences, the 1-D convolution run backwards."""
from ...ops.convolution import conv1d_transpose
from .base_conv_transpose import BaseConvTranspose


class Conv1DTranspose(BaseConvTranspose):
    """Transposed 1-D convolution of (batch, steps, channels) with a (kernel_size, filters, channels) kernel.

    Example:
        Conv1DTranspose(16, 3, strides=2, padding='same')  # 50 steps -> 100
    """

    rank = 1

    def call(self, inputs):
        return self.activation(conv1d_transpose(inputs, self.kernel, self.bias, self.strides, self.padding,
                                                self.output_padding, self.dilation_rate))
