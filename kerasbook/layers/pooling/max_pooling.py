"""`MaxPooling1D` and `MaxPooling2D`: keep the largest value of each window."""
from ...ops.pooling import max_pool1d, max_pool2d
from .base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Max over windows of `pool_size` steps of (batch, steps, channels).

    Example:
        MaxPooling1D(3)
    """

    rank = 1

    def call(self, inputs):
        return max_pool1d(inputs, self.pool_size, self.strides, self.padding)


class MaxPooling2D(BasePooling):
    """Max over windows of `pool_size` pixels of (batch, height, width, channels).

    Example:
        MaxPooling2D((2, 2))  # halves height and width
    """

    rank = 2

    def call(self, inputs):
        return max_pool2d(inputs, self.pool_size, self.strides, self.padding)
