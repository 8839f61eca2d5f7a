"""`GaussianDropout`: multiply by 1-centred Gaussian noise while training, dropout's smooth cousin."""
import math

from ...engine.layer import Layer
from ...ops import Tensor
from ...runtime import random


class GaussianDropout(Layer):
    """``x * noise``, noise drawn from N(1, rate / (1 - rate)) at every training call; identity at inference.

    The variance is the one dropout with the same `rate` gives each unit, so the
    two regularize alike. `seed` is kept in the config; draws come from
    kerasbook's generator (``set_random_seed``).

    Example:
        model.add(GaussianDropout(0.2))
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"GaussianDropout '{self.name}' expected rate in [0, 1), received rate={rate!r}.")
        self.rate, self.seed = rate, seed

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * Tensor(random.normal(inputs.shape, 1.0, stddev, dtype=inputs.dtype))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
