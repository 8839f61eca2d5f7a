from .conv1d import Conv1D
from .conv1d_transpose import Conv1DTranspose
from .conv2d import Conv2D
from .conv2d_transpose import Conv2DTranspose
from .cropping1d import Cropping1D
from .cropping2d import Cropping2D
from .depthwise_conv2d import DepthwiseConv2D
from .separable_conv2d import SeparableConv2D
from .up_sampling1d import UpSampling1D
from .up_sampling2d import UpSampling2D
from .zero_padding1d import ZeroPadding1D
from .zero_padding2d import ZeroPadding2D

Convolution1D = Conv1D  # the Keras 2 names
Convolution2D = Conv2D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Deconvolution2D = Deconv2D = Conv2DTranspose
SeparableConvolution2D = SeparableConv2D
