"""`ReLU`: the rectified linear unit as a layer, with Keras's cap, threshold and negative slope."""
from ...engine.layer import Layer
from ...ops import activations, math


class ReLU(Layer):
    """Keras 3's ``relu(x, negative_slope, max_value, threshold)``::

        max_value                           if x >= max_value
        x                                   if threshold < x < max_value
        negative_slope * (x - threshold)    otherwise

    Example:
        model.add(ReLU(max_value=6.0))   # ReLU6
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU '{self.name}' expected max_value >= 0 or None, received max_value={max_value!r}.")
        for argument, value in (("negative_slope", negative_slope), ("threshold", threshold)):
            if value is None or value < 0:
                raise ValueError(f"ReLU '{self.name}' expected {argument} >= 0, received {argument}={value!r}.")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs):
        if self.negative_slope and self.max_value is None and self.threshold == 0:
            return activations.leaky_relu(inputs, self.negative_slope)  # as Keras: at 0 the gradient is the slope
        if self.threshold == 0:
            outputs = activations.relu(inputs)
        else:
            outputs = inputs * math.cast(inputs > self.threshold, inputs.dtype)
        if self.max_value is not None:
            outputs = math.clip(outputs, 0.0, self.max_value)
        if self.negative_slope:
            outputs = outputs - self.negative_slope * activations.relu(self.threshold - inputs)
        return outputs

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}
