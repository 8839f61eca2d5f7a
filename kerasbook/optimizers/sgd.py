"""Stochastic gradient descent, optionally with (Nesterov) momentum."""
from ..runtime.array_module import xp_of
from .optimizer import Optimizer


class SGD(Optimizer):
    """Step against the gradient: ``w -= learning_rate * g``.

    With momentum the step is a running velocity ``m = momentum * m -
    learning_rate * g`` and ``w += m``, which keeps moving through flat or noisy
    stretches. Nesterov momentum adds the velocity's next move instead:
    ``w += momentum * m - learning_rate * g``.

    Args:
        learning_rate: the step size, 0.01 by default (Keras 2 called it `lr`).
        momentum: in [0, 1]; 0 is plain gradient descent.
        nesterov: use Nesterov momentum.
        **kwargs: `name`, `clipnorm`, `clipvalue`, `global_clipnorm`, `decay` (see `Optimizer`).

    Example:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), loss='mse')
    """

    default_learning_rate = 0.01
    slot_layout = (("momentum",),)

    def __init__(self, learning_rate=None, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"SGD expected momentum in [0, 1], received {momentum!r}.")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def make_slots(self, value):
        return {"momentum": xp_of(value).zeros_like(value)} if self.momentum else {}

    def update_step(self, gradient, value, slots, learning_rate):
        if not self.momentum:
            return {}, gradient * -learning_rate
        scaled = gradient * learning_rate
        m = slots["momentum"] * self.momentum
        m -= scaled
        if self.nesterov:
            delta = m * self.momentum
            delta -= scaled
            return {"momentum": m}, delta
        return {"momentum": m}, m

    def updates_rows_alone(self):
        return not self.momentum  # momentum keeps moving rows whose gradient is zero

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
