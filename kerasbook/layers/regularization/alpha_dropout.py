"""`AlphaDropout`: dropout for SELU networks, keeping the mean and variance of its inputs."""
from ...engine.layer import Layer
from ...ops import Tensor
from ...ops.activations import SELU_ALPHA, SELU_SCALE
from ...runtime import random


class AlphaDropout(Layer):
    """While training, set a fraction `rate` of inputs to SELU's saturation value ``-alpha * scale``, then
    ``a * x + b`` restores a standard normal input's mean 0 and variance 1 (Keras 3's formulas); identity at
    inference.

    `noise_shape` works as in `Dropout` (``None`` entries take the input's size).
    `seed` is kept in the config; draws come from kerasbook's generator
    (``set_random_seed``).

    Example:
        model.add(Dense(64, activation='selu', kernel_initializer='lecun_normal'))
        model.add(AlphaDropout(0.1))
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"AlphaDropout '{self.name}' expected rate in [0, 1), received rate={rate!r}.")
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        noise_shape = inputs.shape
        if self.noise_shape is not None:
            noise_shape = tuple(s if d is None else d for d, s in zip(self.noise_shape, inputs.shape))
        kept = Tensor((random.uniform(noise_shape, dtype=inputs.dtype) >= self.rate).astype(inputs.dtype))
        saturation = -SELU_ALPHA * SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * saturation ** 2)) ** -0.5
        b = -a * saturation * self.rate
        x = inputs * kept + saturation * (1 - kept)
        return a * x + b

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}
