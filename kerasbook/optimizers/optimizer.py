"""The base optimizer: everything an optimizer does apart from its update formula.

An optimizer keeps a little state per variable (Keras calls these optimizer
variables; we say *slots*: SGD's momentum, Adam's two moment estimates). Each
subclass says which slots a variable needs (`make_slots`) and how one gradient
changes a variable and its slots (`update_step`). This class does the rest:
matching gradients to variables, clipping, the learning rate, counting steps.

Nothing a user trained is lost on Ctrl-C: `apply` first works out every new
value (all slots and all variable changes) without touching the old ones, and
only then writes them, in one short loop at its very end, with Ctrl-C held back
until the loop is done. An exception or a KeyboardInterrupt during the
arithmetic leaves the model and the optimizer exactly as they were before the
step; one during the writes comes after them.

An embedding table's gradient arrives as `IndexedSlices`, the few rows a batch
used. Where the update formula leaves a row with a zero gradient exactly as it
was (plain SGD, RMSprop without momentum, Adagrad), the optimizer's `update_rows`
touches only those rows and gives bit for bit the dense result; the others (any
momentum keeps moving every row) get the gradient as a dense array.
"""
import numpy

from ..runtime.array_module import to_device, to_numpy, xp_of
from ..runtime.interrupts import deferred_interrupt
from ..runtime.naming import unique_name
from ..saving.serialization_lib import constructor_arguments
from ..ops.indexed_slices import IndexedSlices
from ..ops.tape import stop_recording
from ..ops.tensor import Tensor


class Optimizer:
    """Base class: subclasses define `make_slots` and `update_step`.

    Args:
        learning_rate: the step size (`lr` is its Keras 2 name).
        name: defaults to the class name in snake case ('sgd', 'adam', …).
        clipnorm: if set, rescale each gradient whose L2 norm is larger than this.
        clipvalue: if set, clip each gradient element to [-clipvalue, clipvalue].
        global_clipnorm: if set, rescale all gradients together when the L2 norm
            of all of them is larger than this.
        decay: Keras 2's learning-rate decay: step `t` (counted from 0) uses
            ``learning_rate / (1 + decay * t)``. Keras 3 dropped it; old notebooks use it.
    """

    default_learning_rate = 0.001  # each optimizer sets Keras's default for itself
    # Keras's order of the slots in a saved file: groups of slot names; within a group the names
    # alternate variable by variable, and the groups follow one another (Adam: m, v, m, v, …, then v_hat, …).
    slot_layout = ()

    def __init__(self, learning_rate=None, name=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, decay=0.0, **kwargs):
        kind = type(self).__name__
        if "lr" in kwargs:
            if learning_rate is not None:
                raise TypeError(f"{kind} received both learning_rate={learning_rate!r} and "
                                f"lr={kwargs['lr']!r}; lr is the old name of learning_rate, pass only one.")
            learning_rate = kwargs.pop("lr")
        if kwargs:
            raise TypeError(f"{kind} got an unexpected keyword argument {next(iter(kwargs))!r}.")
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        given = {key: value for key, value in clips.items() if value is not None}
        if len(given) > 1:
            raise ValueError(f"{kind} accepts only one of clipnorm, clipvalue and global_clipnorm, "
                             f"received {given}.")
        if any(value <= 0 for value in given.values()):
            raise ValueError(f"{kind} expected a positive clipping threshold, received {given}.")
        self.learning_rate = self.default_learning_rate if learning_rate is None else learning_rate
        self.name = name or unique_name(kind.lower())  # Keras's names: "adam", "rmsprop", …
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.decay = float(decay)
        self.iterations = 0
        self._slots = {}  # id(variable) -> (variable, {slot name: array})

    @property
    def learning_rate(self):
        """The step size; set it to change the step size of later steps."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        # A Python float keeps float32 weights float32 (a NumPy float64 would promote them).
        try:
            self._learning_rate = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{type(self).__name__} expected a number as learning_rate, "
                            f"received {value!r}.") from None

    def make_slots(self, value):
        """The state this optimizer keeps for a variable holding `value`, freshly made."""
        return {}

    def update_step(self, gradient, value, slots, learning_rate):
        """One step's arithmetic for one variable, without writing anything.

        Returns ``(new_slots, delta)``: the slots' new arrays and the change to
        add to the variable. `apply` writes both later. Work in place only on
        arrays made here, never on `gradient`, `value` or `slots`.
        """
        raise NotImplementedError(f"{type(self).__name__} must define update_step.")

    def updates_rows_alone(self):
        """Whether a zero gradient leaves a weight and its slots as they were (so `update_rows` is exact)."""
        return False

    def update_rows(self, gradient, value, slots, learning_rate):
        """`update_step` for an `IndexedSlices` gradient, when `updates_rows_alone`.

        Runs `update_step` on the gradient's rows alone. Returns ``(new_slots,
        delta)`` as `update_step` does, each as `IndexedSlices`: these rows
        change, no other.
        """
        rows = gradient.indices
        new_slots, delta = self.update_step(gradient.values, value[rows],
                                            {name: slot[rows] for name, slot in slots.items()}, learning_rate)
        return ({name: gradient.with_values(array) for name, array in new_slots.items()},
                gradient.with_values(delta))

    def apply(self, grads, variables):
        """Move each variable one step against its gradient.

        The lists are aligned; a None gradient leaves its variable alone. Each
        variable gets its own slots the first time it is seen. Every call counts
        one step in `iterations`. After the update, each variable with a
        `constraint` is set to ``constraint(variable)``, as in Keras 3.

        Example:
            optimizer.apply(grads, model.trainable_variables)
        """
        grads, variables = list(grads), list(variables)
        if len(grads) != len(variables):
            raise ValueError(f"{type(self).__name__}.apply expected one gradient per variable, "
                             f"received {len(grads)} gradients for {len(variables)} variables.")
        if not grads:
            return
        kept = [(grad, variable) for grad, variable in zip(grads, variables) if grad is not None]
        if not kept:
            raise ValueError(f"{type(self).__name__}: no gradients provided for any variable.")
        variables = [variable for _, variable in kept]
        gradients = self._clip([self._as_gradient(grad, variable) for grad, variable in kept])
        learning_rate = self.learning_rate / (1.0 + self.decay * self.iterations)
        updates = []
        for gradient, variable in zip(gradients, variables):
            slots = self._slots_of(variable)
            gradient = _map_values(lambda g: g.astype(variable.data.dtype, copy=False), gradient)
            if not isinstance(gradient, IndexedSlices):
                step = self.update_step
            elif self.updates_rows_alone():
                step = self.update_rows
            else:
                step, gradient = self.update_step, gradient.to_dense()
            new_slots, delta = step(gradient, variable.data, slots, learning_rate)
            updates.append((variable, slots, new_slots, delta))
        # The only writes: everything above left the old values untouched. Copying
        # into the same slot arrays each step (not swapping in the new ones) keeps
        # `variables()` the same arrays, as Keras's optimizer variables are.
        with deferred_interrupt():
            for variable, slots, new_slots, delta in updates:
                for name, array in new_slots.items():
                    if isinstance(array, IndexedSlices):
                        slots[name][array.indices] = array.values
                    else:
                        slots[name][...] = array
                if isinstance(delta, IndexedSlices):
                    variable.data[delta.indices] += delta.values  # the indices are unique
                else:
                    variable.data += delta
            with stop_recording():
                for variable in variables:
                    if getattr(variable, "constraint", None) is not None:  # a Variable's, not a bare Tensor's
                        variable.assign(variable.constraint(variable))
            self.iterations += 1

    def apply_gradients(self, grads_and_vars):
        """Keras's older spelling: ``apply_gradients(zip(grads, variables))``."""
        grads, variables = zip(*grads_and_vars)
        self.apply(grads, variables)
        return self.iterations

    def variables(self):
        """The slot arrays, variable by variable in the order first seen, slots in a fixed order."""
        return [array for _, slots in self._slots.values() for array in slots.values()]

    def get_config(self):
        """The arguments that rebuild this optimizer (not its state)."""
        config = {"name": self.name, "learning_rate": self.learning_rate, "clipnorm": self.clipnorm,
                  "clipvalue": self.clipvalue, "global_clipnorm": self.global_clipnorm}
        if self.decay:  # Keras 2's; Keras 3 warns about any value, so it is written only when used
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config):
        """A new optimizer from `get_config`'s dict, or Keras's (its options kerasbook lacks must be off)."""
        return cls(**constructor_arguments(cls, config))

    # --- the state, in Keras's saved order ----------------------------------------

    def saved_variables(self, variables):
        """The state as Keras saves it: iterations, learning rate, then each slot of each of `variables`.

        A variable not yet stepped has fresh slots, as a built Keras optimizer has.
        """
        slots = [self._slots[id(v)][1] if id(v) in self._slots else self.make_slots(v.data) for v in variables]
        arrays = [numpy.array(self.iterations, dtype="int32"), numpy.array(self.learning_rate, dtype="float32")]
        return arrays + [to_numpy(array) for array in self._in_saved_order(slots)]

    def load_saved_variables(self, variables, arrays):
        """Set the state from `saved_variables`' arrays; all are checked before any is written."""
        slots = [self.make_slots(v.data) for v in variables]
        targets = self._in_saved_order(slots)
        if len(arrays) == 2:  # saved before its first step: no slots yet
            slots, targets = [], []
        if len(arrays) != len(targets) + 2:
            raise ValueError(f"{type(self).__name__} expected {len(targets) + 2} saved variables for "
                             f"{len(variables)} trainable weights, received {len(arrays)}.")
        for target, array in zip(targets, arrays[2:]):
            if tuple(target.shape) != tuple(array.shape):
                raise ValueError(f"{type(self).__name__}: a saved slot has shape {tuple(array.shape)}, expected "
                                 f"{tuple(target.shape)}.")
        for target, array in zip(targets, arrays[2:]):
            target[...] = to_device(numpy.asarray(array, dtype=target.dtype))
        self._slots = {id(v): (v, s) for v, s in zip(variables, slots)}  # none: made at the first step
        self.iterations = int(arrays[0])
        if numpy.float32(self.learning_rate) != numpy.float32(arrays[1]):  # else keep the unrounded rate
            self.learning_rate = float(arrays[1])

    def _in_saved_order(self, slots):
        """The slot arrays of every variable (`slots`: one dict per variable) in `slot_layout`'s order."""
        return [variable_slots[name] for group in self.slot_layout for variable_slots in slots
                for name in group if name in variable_slots]

    def _as_gradient(self, grad, variable):
        gradient = grad.data if isinstance(grad, Tensor) else grad
        if isinstance(gradient, IndexedSlices):
            if xp_of(gradient.values) is not xp_of(variable.data):
                gradient = IndexedSlices(to_device(gradient.values), to_device(gradient.indices),
                                         gradient.dense_shape)
        elif xp_of(gradient) is not xp_of(variable.data):  # a NumPy gradient for a weight on the GPU
            gradient = to_device(gradient)
        if gradient.shape != variable.data.shape:
            raise ValueError(f"{type(self).__name__}: the gradient of '{variable.path}' has shape "
                             f"{tuple(gradient.shape)}, expected {tuple(variable.data.shape)}.")
        return gradient

    def _slots_of(self, variable):
        key = id(variable)  # the entry keeps the variable alive, so its id stays its own
        if key not in self._slots:
            self._slots[key] = (variable, self.make_slots(variable.data))
        return self._slots[key][1]

    def _clip(self, gradients):
        """Keras's gradient clipping, on new arrays."""
        xp = xp_of(_values(gradients[0]))
        if self.clipnorm:
            def clip_by_norm(g):
                return g * self.clipnorm / xp.maximum(xp.sqrt(_sum_of_squares(g)), self.clipnorm)
            return [_map_values(clip_by_norm, gradient) for gradient in gradients]
        if self.global_clipnorm:
            norm = xp.sqrt(sum(_sum_of_squares(_values(gradient)) for gradient in gradients))
            scale = self.global_clipnorm / xp.maximum(norm, self.global_clipnorm)
            return [_map_values(lambda g: g * scale, gradient) for gradient in gradients]
        if self.clipvalue:
            return [_map_values(lambda g: xp.clip(g, -self.clipvalue, self.clipvalue), gradient)
                    for gradient in gradients]
        return gradients


def _values(gradient):
    """The numbers of a gradient: the array itself, or the rows of `IndexedSlices` (zero elsewhere)."""
    return gradient.values if isinstance(gradient, IndexedSlices) else gradient


def _map_values(function, gradient):
    """`function` applied to a gradient's numbers, keeping `IndexedSlices` as such."""
    if isinstance(gradient, IndexedSlices):
        return gradient.with_values(function(gradient.values))
    return function(gradient)


def _sum_of_squares(array):
    return xp_of(array).sum(array * array)
