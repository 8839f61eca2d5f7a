"""`ActivityRegularization`: pass the input through, and add a penalty on it to the loss."""
from ... import regularizers
from ...engine.layer import Layer


class ActivityRegularization(Layer):
    """Returns its input unchanged; ``(l1 * sum(|x|) + l2 * sum(x**2)) / batch_size`` joins `losses`.

    The same as giving the layer before it ``activity_regularizer=L1L2(l1, l2)``:
    training then prefers small (l2) or sparse (l1) activations, as in a sparse
    autoencoder.

    Example:
        model.add(ActivityRegularization(l1=1e-5))
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2

    def call(self, inputs):
        return inputs

    def get_config(self):
        config = {**super().get_config(), "l1": self.l1, "l2": self.l2}
        config.pop("activity_regularizer")
        return config
