"""Keras 2's path for the activation layers: ``from keras.layers.advanced_activations import LeakyReLU``."""
from .activations import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU  # noqa: F401
