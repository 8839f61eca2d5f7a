"""`Softmax`: turn scores into probabilities along an axis, as a layer."""
from ...engine.layer import Layer
from ...ops import activations
from ..axes import canonical_axes


class Softmax(Layer):
    """``exp(x) / sum(exp(x))`` along `axis` (an int, or a list of axes normalized together).

    Example:
        attention = Softmax(axis=-1)(scores)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis

    def build(self, input_shape):
        axes = canonical_axes(self, self.axis if isinstance(self.axis, list) else [self.axis], input_shape)
        self._axis = tuple(axes) if isinstance(self.axis, list) else axes[0]

    def call(self, inputs):
        return activations.softmax(inputs, self._axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
