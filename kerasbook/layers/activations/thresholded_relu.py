"""`ThresholdedReLU` (Keras 2): pass a value only when it is above `theta`."""
from ...engine.layer import Layer
from ...ops import math


class ThresholdedReLU(Layer):
    """``x`` for ``x > theta``, 0 otherwise (Keras 3 writes it ``ReLU(threshold=theta)``).

    Example:
        model.add(ThresholdedReLU(theta=1.0))
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        if theta is None or theta < 0:
            raise ValueError(f"ThresholdedReLU '{self.name}' expected theta >= 0, received theta={theta!r}.")
        self.theta = theta

    def call(self, inputs):
        return inputs * math.cast(inputs > self.theta, inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "theta": self.theta}
