"""Adagrad: give each weight a step size that shrinks with its summed squared gradients."""
from ..runtime.array_module import xp_of
from .optimizer import Optimizer


class Adagrad(Optimizer):
    """Divide each step by the root of all squared gradients so far.

    ``a += g**2`` and ``w -= learning_rate * g / sqrt(a + epsilon)``: weights that
    rarely get a gradient (rare words, rare features) keep large steps, busy ones
    slow down.

    Args:
        learning_rate: the step size, 0.001 by default (Keras 2 called it `lr`).
        initial_accumulator_value: where the sum ``a`` starts.
        epsilon: keeps the division finite.
        **kwargs: `name`, `clipnorm`, `clipvalue`, `global_clipnorm`, `decay` (see `Optimizer`).
    """

    default_learning_rate = 0.001
    slot_layout = (("accumulator",),)

    def __init__(self, learning_rate=None, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def make_slots(self, value):
        return {"accumulator": xp_of(value).full_like(value, self.initial_accumulator_value)}

    def update_step(self, gradient, value, slots, learning_rate):
        xp = xp_of(value)
        accumulator = gradient * gradient
        accumulator += slots["accumulator"]
        root = accumulator + self.epsilon
        xp.sqrt(root, out=root)
        delta = gradient * -learning_rate
        delta /= root
        return {"accumulator": accumulator}, delta

    def updates_rows_alone(self):
        return True  # a zero gradient adds nothing to the accumulator and moves nothing

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
