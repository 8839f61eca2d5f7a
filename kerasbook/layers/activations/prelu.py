"""`PReLU`: a leaky ReLU whose negative slope is a learned weight, one per unit or shared along axes."""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops import activations


class PReLU(Layer):
    """``relu(x) - alpha * relu(-x)``, with `alpha` learned (initialised to zeros: a plain ReLU at first).

    `alpha` has the input's shape without the batch axis, with size 1 along
    `shared_axes` (counted with the batch axis as 0, as in Keras).

    Example:
        # one slope per channel of a convolution's output
        model.add(PReLU(shared_axes=[1, 2]))
    """

    def __init__(self, alpha_initializer="zeros", shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = alpha_initializer
        if shared_axes is None:
            self.shared_axes = None
        else:
            self.shared_axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]

    def build(self, input_shape):
        rank = len(input_shape)
        shared = self.shared_axes or []
        for axis in shared:
            if not isinstance(axis, int) or not 1 <= axis < rank:
                raise ValueError(f"PReLU '{self.name}' expected shared_axes between 1 and {rank - 1} for input shape "
                                 f"{tuple(input_shape)}, received shared_axes={self.shared_axes!r}.")
        shape = tuple(1 if axis in shared else input_shape[axis] for axis in range(1, rank))
        if None in shape:
            raise ValueError(f"PReLU '{self.name}' needs every axis it does not share to have a known size, received "
                             f"input shape {tuple(input_shape)} with shared_axes={self.shared_axes!r}.")
        self.alpha = self.add_weight("alpha", shape, self.alpha_initializer)
        self.input_spec = InputSpec(ndim=rank, axes={axis: input_shape[axis] for axis in range(1, rank)
                                                     if axis not in shared})

    def call(self, inputs):
        return activations.relu(inputs) - self.alpha * activations.relu(-inputs)

    def get_config(self):
        return {**super().get_config(), "alpha_initializer": self.alpha_initializer,
                "shared_axes": self.shared_axes}
