"""`Conv1D`: filters slid along a sequence, ``activation(conv1d(x, kernel) + bias)``."""
from ...ops.convolution import conv1d
from .base_conv import BaseConv


class Conv1D(BaseConv):
    """1-D convolution of (batch, steps, channels) with a (kernel_size, channels, filters) kernel.

    padding='causal' pads only before the sequence, so step t never sees a later step.

    Example:
        Conv1D(64, 3, activation='relu', input_shape=(100, 100))
    """

    rank = 1
    paddings = ("valid", "same", "causal")

    def call(self, inputs):
        return self.activation(conv1d(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate))
