"""kerasbook: a compact deep-learning library on NumPy and CuPy that speaks Keras.

Example:
    import kerasbook as keras
    model = keras.Sequential([keras.layers.Dense(10, activation='softmax', input_shape=(784,))])
"""
from . import backend  # first: everything else asks it for the array module
from . import ops

__version__ = "0.1.0"
