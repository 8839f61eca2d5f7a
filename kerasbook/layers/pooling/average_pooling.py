"""`AveragePooling1D` and `AveragePooling2D`: the mean of each window."""
from ...ops.pooling import average_pool1d, average_pool2d
from .base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Mean over windows of `pool_size` steps of (batch, steps, channels); 'same' padding is not counted.

    Example:
        AveragePooling1D(2)
    """

    rank = 1

    def call(self, inputs):
        return average_pool1d(inputs, self.pool_size, self.strides, self.padding)


class AveragePooling2D(BasePooling):
    """Mean over windows of `pool_size` pixels of (batch, height, width, channels); 'same' padding is not counted.

    Example:
        AveragePooling2D((2, 2))
    """

    rank = 2

    def call(self, inputs):
        return average_pool2d(inputs, self.pool_size, self.strides, self.padding)
