"""`Dropout`: randomly silence units while training, so none can be relied on alone."""
from ...engine.layer import Layer
from ...ops import nn


class Dropout(Layer):
    """Sets a fraction `rate` of inputs to 0 during training only; inference passes inputs through."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"{type(self).__name__} '{self.name}': rate must be in [0, 1), received {rate!r}.")
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        noise_shape = None
        if self.noise_shape is not None:
            noise_shape = tuple(d if d is not None else s for d, s in zip(self.noise_shape, inputs.shape))
        return nn.dropout(inputs, self.rate, noise_shape)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape}
