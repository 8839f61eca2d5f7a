"""Adadelta: steps whose size comes from the sizes of recent steps, not a hand-set rate."""
from ..runtime.array_module import xp_of
from .optimizer import Optimizer


class Adadelta(Optimizer):
    """Scale each gradient by RMS(recent steps) / RMS(recent gradients).

    With running averages ``a = rho * a + (1 - rho) * g**2`` and ``d`` (the same for
    the steps), the step is ``s = -sqrt(d + epsilon) / sqrt(a + epsilon) * g`` and
    ``w += learning_rate * s``. The ratio carries the weight's units, so the step
    size adapts by itself; Keras keeps `learning_rate` as an overall scale
    (Keras 2 defaulted it to 1.0, Keras 3 to 0.001).

    Args:
        learning_rate: the overall scale, 0.001 by default (Keras 2 called it `lr`).
        rho: how slowly the running averages forget.
        epsilon: keeps the division finite and starts the steps off.
        **kwargs: `name`, `clipnorm`, `clipvalue`, `global_clipnorm`, `decay` (see `Optimizer`).
    """

    default_learning_rate = 0.001
    slot_layout = (("accumulated_grad", "accumulated_delta_var"),)

    def __init__(self, learning_rate=None, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = float(rho)
        self.epsilon = float(epsilon)

    def make_slots(self, value):
        xp = xp_of(value)
        return {"accumulated_grad": xp.zeros_like(value), "accumulated_delta_var": xp.zeros_like(value)}

    def update_step(self, gradient, value, slots, learning_rate):
        xp = xp_of(value)
        accumulated_grad = self._average(slots["accumulated_grad"], gradient * gradient)
        step = slots["accumulated_delta_var"] + self.epsilon  # becomes sqrt(d + eps) * g / sqrt(a + eps)
        xp.sqrt(step, out=step)
        step *= gradient
        root = accumulated_grad + self.epsilon
        step /= xp.sqrt(root, out=root)
        accumulated_delta_var = self._average(slots["accumulated_delta_var"], step * step)
        step *= -learning_rate
        return {"accumulated_grad": accumulated_grad, "accumulated_delta_var": accumulated_delta_var}, step

    def _average(self, old, square):
        """``rho * old + (1 - rho) * square``, written into `square`."""
        square *= 1 - self.rho
        square += old * self.rho
        return square

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
