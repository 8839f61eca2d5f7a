"""`GaussianNoise`: add zero-centred Gaussian noise while training, a cheap form of data augmentation."""
from ...engine.layer import Layer
from ...ops import Tensor
from ...runtime import random


class GaussianNoise(Layer):
    """``x + noise``, noise drawn from N(0, stddev²) at every training call; inference passes inputs through.

    `seed` is kept in the config; the draws come from kerasbook's generator, which
    ``kerasbook.utils.set_random_seed`` makes repeatable.

    Example:
        model.add(GaussianNoise(0.1, input_shape=(784,)))
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= stddev <= 1:
            raise ValueError(f"GaussianNoise '{self.name}' expected stddev in [0, 1], received stddev={stddev!r}.")
        self.stddev, self.seed = stddev, seed

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        return inputs + Tensor(random.normal(inputs.shape, 0.0, self.stddev, dtype=inputs.dtype))

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
