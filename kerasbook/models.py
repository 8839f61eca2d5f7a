"""The Keras-2 path ``keras.models``: `Sequential` and `Model`."""
from .engine import Model, Sequential
