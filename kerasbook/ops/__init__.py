"""Differentiable primitives on backend arrays, and the tape that differentiates them."""
from .tape import GradientTape, active_tape, stop_recording
from .tensor import Tensor, Variable, as_array, as_tensor
from .function import Function, sum_to_shape
from .math import (
    abs, add, argmax, argmin, cast, clip, concatenate, divide, equal, exp, expand_dims, get_item, greater,
    greater_equal, less, less_equal, log, matmul, max, maximum, mean, min, minimum, multiply, negative, not_equal,
    power, repeat, reshape, round, sqrt, square, squeeze, stack, subtract, sum, tile, transpose,
)
from .activations import (
    elu, hard_sigmoid, leaky_relu, linear, relu, selu, sigmoid, softmax, softplus, softsign, tanh,
)
from .nn import dense, dropout
from .creation import arange, shape
from .convolution import conv1d, conv2d, zero_pad2d
from .embedding import embedding
from .indexed_slices import IndexedSlices
from .pooling import average_pool1d, average_pool2d, global_average_pool, global_max_pool, max_pool1d, max_pool2d
from .recurrent import gru, lstm, simple_rnn
