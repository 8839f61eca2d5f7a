"""RMSprop: divide each step by a running root-mean-square of recent gradients."""
from ..runtime.array_module import xp_of
from .optimizer import Optimizer


class RMSprop(Optimizer):
    """Scale each weight's step by how large its gradients have lately been.

    ``v = rho * v + (1 - rho) * g**2`` and ``w -= learning_rate * g / sqrt(v + epsilon)``,
    so weights with large gradients take smaller steps. `centered` also tracks the
    mean gradient ``a`` and divides by ``sqrt(v - a**2 + epsilon)``, an estimate of
    the variance; `momentum` accumulates the steps as SGD does.

    Args:
        learning_rate: the step size, 0.001 by default (Keras 2 called it `lr`).
        rho: how slowly the running average forgets.
        momentum: 0 for none.
        epsilon: keeps the division finite.
        centered: divide by the variance rather than the mean square.
        **kwargs: `name`, `clipnorm`, `clipvalue`, `global_clipnorm`, `decay` (see `Optimizer`).

    Example:
        model.compile(optimizer='rmsprop', loss='categorical_crossentropy')
    """

    default_learning_rate = 0.001
    slot_layout = (("velocity",), ("momentum",), ("average_gradient",))

    def __init__(self, learning_rate=None, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)

    def make_slots(self, value):
        xp = xp_of(value)
        slots = {"velocity": xp.zeros_like(value)}
        if self.momentum > 0:
            slots["momentum"] = xp.zeros_like(value)
        if self.centered:
            slots["average_gradient"] = xp.zeros_like(value)
        return slots

    def update_step(self, gradient, value, slots, learning_rate):
        xp = xp_of(value)
        v = gradient * gradient
        v *= 1 - self.rho
        v += slots["velocity"] * self.rho
        new_slots = {"velocity": v}
        if self.centered:
            average = gradient * (1 - self.rho)
            average += slots["average_gradient"] * self.rho
            new_slots["average_gradient"] = average
            denominator = v - average * average
            denominator += self.epsilon
        else:
            denominator = v + self.epsilon
        root = xp.sqrt(denominator, out=denominator)
        if self.momentum > 0:
            m = gradient * learning_rate
            m /= root
            m += slots["momentum"] * self.momentum
            new_slots["momentum"] = m
            return new_slots, -m
        delta = gradient * -learning_rate
        delta /= root
        return new_slots, delta

    def updates_rows_alone(self):
        # A zero gradient still shrinks v everywhere, but moves no weight; momentum would.
        return not self.momentum and not self.centered

    def update_rows(self, gradient, value, slots, learning_rate):
        new_rows, delta = super().update_rows(gradient, value, slots, learning_rate)
        velocity = slots["velocity"] * self.rho  # the other rows: rho * v + (1 - rho) * 0
        velocity[gradient.indices] = new_rows["velocity"].values
        return {"velocity": velocity}, delta

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
