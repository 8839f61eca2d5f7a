"""`LeakyReLU`: a ReLU that lets a small slope through below zero, so no unit goes silent for good."""
from ...engine.layer import Layer
from ...ops import activations


class LeakyReLU(Layer):
    """``x`` for ``x > 0``, ``negative_slope * x`` otherwise (Keras 3's default slope 0.3).

    Keras 2 spelled the slope ``alpha``; ``LeakyReLU(alpha=0.1)`` still works and means the same.

    Example:
        model.add(Dense(64))
        model.add(LeakyReLU(negative_slope=0.2))
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"LeakyReLU '{self.name}' expected negative_slope >= 0, "
                             f"received negative_slope={negative_slope!r}.")
        self.negative_slope = negative_slope

    def call(self, inputs):
        return activations.leaky_relu(inputs, self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}
