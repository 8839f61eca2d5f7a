"""kerasbook: a compact deep-learning library on NumPy and CuPy that speaks Keras.

Example:
    import kerasbook as keras
    model = keras.Sequential([keras.layers.Dense(10, activation='softmax', input_shape=(784,))])
"""
from . import backend  # first: everything else asks it for the array module
from . import (
    activations, callbacks, datasets, initializers, layers, losses, metrics, models, ops, optimizers, preprocessing,
    utils, widgets,
)
from .engine import Input, Model, Sequential

__version__ = "0.1.0"
