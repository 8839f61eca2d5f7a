"""Every layer, by its Keras name: ``from kerasbook.layers import Dense, LSTM, Conv2D``.

The Keras-2 sub-module paths of the guide (``keras.layers.convolutional``,
``.pooling``, ``.recurrent``, ``.merge``, ``.wrappers``) are the packages below.
"""
from ..engine import Input, InputLayer, InputSpec, Layer
from .attention import Attention, MultiHeadAttention
from .activations import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU
from .convolutional import (
    Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, Convolution1D, Convolution1DTranspose, Convolution2D,
    Convolution2DTranspose, Cropping1D, Cropping2D, Deconv2D, Deconvolution2D, DepthwiseConv2D, SeparableConv2D,
    SeparableConvolution2D, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D,
)
from .core import Activation, Dense, Dropout, Embedding, Lambda, OperationLayer
from .merge import (
    Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, maximum, minimum,
    multiply, subtract,
)
from .normalization import BatchNormalization, LayerNormalization
from .pooling import (
    AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
    GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
    MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D,
)
from .recurrent import GRU, GRUCell, LSTM, LSTMCell, RNN, SimpleRNN, SimpleRNNCell
from .regularization import (
    ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D,
)
from .reshaping import Flatten, Permute, RepeatVector, Reshape
from .wrappers import Bidirectional, TimeDistributed
from ..saving.object_registration import register_builtins

register_builtins("layers", {name: value for name, value in globals().items()
                             if isinstance(value, type) and issubclass(value, Layer)})
