"""Every layer, by its Keras name: ``from kerasbook.layers import Dense, LSTM, Conv2D``."""
from ..engine import Input, InputLayer, InputSpec, Layer
from .core import Activation, Dense, Dropout
from .merge import (
    Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, maximum, minimum,
    multiply, subtract,
)
from .reshaping import Flatten, Permute, RepeatVector, Reshape
from .wrappers import TimeDistributed
