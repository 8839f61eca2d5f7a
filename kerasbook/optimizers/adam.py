"""Adam: momentum plus RMSprop's per-weight scaling, with both averages bias-corrected."""
import math

from ..runtime.array_module import xp_of
from .optimizer import Optimizer


class Adam(Optimizer):
    """Step along a running mean of the gradients, scaled by their running RMS.

    ``m += (1 - beta_1) * (g - m)``, ``v += (1 - beta_2) * (g**2 - v)`` and, at step
    ``t`` (from 1), ``w -= alpha * m / (sqrt(v) + epsilon)`` with
    ``alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)``. The factor in
    `alpha` undoes the averages' pull towards their zero start in the first steps.
    `amsgrad` divides by the largest `v` seen so far instead, so steps never grow.

    Args:
        learning_rate: the step size, 0.001 by default (Keras 2 called it `lr`).
        beta_1: how slowly the mean of the gradients forgets.
        beta_2: how slowly the mean of their squares forgets.
        epsilon: keeps the division finite.
        amsgrad: use the AMSGrad variant.
        **kwargs: `name`, `clipnorm`, `clipvalue`, `global_clipnorm`, `decay` (see `Optimizer`).

    Example:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss='mse')
    """

    default_learning_rate = 0.001
    slot_layout = (("momentum", "velocity"), ("velocity_hat",))

    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = bool(amsgrad)

    def make_slots(self, value):
        xp = xp_of(value)
        slots = {"momentum": xp.zeros_like(value), "velocity": xp.zeros_like(value)}
        if self.amsgrad:
            slots["velocity_hat"] = xp.zeros_like(value)
        return slots

    def update_step(self, gradient, value, slots, learning_rate):
        xp = xp_of(value)
        t = self.iterations + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        m = gradient - slots["momentum"]
        m *= 1 - self.beta_1
        m += slots["momentum"]
        v = gradient * gradient
        v -= slots["velocity"]
        v *= 1 - self.beta_2
        v += slots["velocity"]
        new_slots = {"momentum": m, "velocity": v}
        if self.amsgrad:
            v = new_slots["velocity_hat"] = xp.maximum(slots["velocity_hat"], v)
        root = xp.sqrt(v)
        root += self.epsilon
        delta = m * -alpha
        delta /= root
        return new_slots, delta

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}
