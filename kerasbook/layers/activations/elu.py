"""`ELU`: the exponential linear unit as a layer."""
from ...engine.layer import Layer
from ...ops import activations


class ELU(Layer):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Example:
        model.add(ELU(alpha=1.0))
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError(f"ELU '{self.name}' expected a number for alpha, received alpha=None.")
        self.alpha = alpha

    def call(self, inputs):
        return activations.elu(inputs, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
