from .conv1d import Conv1D
from .conv2d import Conv2D
from .zero_padding2d import ZeroPadding2D

Convolution1D = Conv1D  # the Keras 2 names
Convolution2D = Conv2D
