"""Keras 2's path for the noise layers: ``from keras.layers.noise import GaussianNoise``."""
from .regularization import AlphaDropout, GaussianDropout, GaussianNoise  # noqa: F401
