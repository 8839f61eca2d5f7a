"""`RNN`: run any cell over a sequence, one step at a time (Keras's generic recurrent layer).

A cell is a layer that knows one step, ``output, new_states = cell.call(x_t, states)``,
and says how big its states are, `state_size`. `RNN` does the rest: it starts
the states at zeros (or at `initial_state`), calls the cell at every step of
the time axis and returns Keras's outputs. Every step is ordinary ops on the
tape, so a cell needs no backward of its own. `LSTM`, `GRU` and `SimpleRNN`
compute what `RNN` computes over `LSTMCell`, `GRUCell` and `SimpleRNNCell`, in
one fused op each: faster, and harder to read.
"""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops import Tensor, stack
from ...runtime.array_module import xp
from ...saving.serialization_lib import deserialize_keras_object, serialize_keras_object


class RNN(Layer):
    """Keras's ``RNN(cell)``: `return_sequences`, `return_state`, `go_backwards` and `initial_state`.

    Any `Layer` is a cell if it sets `state_size` (an integer, or a list with
    one integer per state) and its ``call(inputs, states)`` returns ``(output,
    new_states)``; `output_size` says how wide the output is (the first state's
    size if the cell does not say). With `return_state` the layer returns
    ``[output, *last_states]``.

    Example:
        class MinimalRNNCell(Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units = self.state_size = units

            def build(self, input_shape):
                self.kernel = self.add_weight("kernel", (input_shape[-1], self.units))
                self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, self.units))

            def call(self, inputs, states):
                output = inputs @ self.kernel + states[0] @ self.recurrent_kernel
                return output, [output]

        outputs = RNN(MinimalRNNCell(32))(Input(shape=(None, 5)))
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            raise NotImplementedError(f"RNN '{self.name}': a list of cells (Keras's stacked cells) is not "
                                      f"implemented; stack RNN layers with return_sequences=True instead.")
        if not isinstance(cell, Layer):
            raise TypeError(f"RNN '{self.name}' runs a cell, a Layer with `call(inputs, states)` and `state_size`; "
                            f"received {cell!r}.")
        if stateful:
            raise NotImplementedError(f"RNN '{self.name}': stateful=True is not implemented; pass the last "
                                      f"states back in with `initial_state` instead.")
        self.cell = cell
        self.state_size = self.checked_state_size(cell)
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards
        self.unroll = unroll  # a speed hint in Keras; here the loop over steps always runs in Python
        self.zero_output_for_mask = zero_output_for_mask  # in Keras's configs; without masks it changes nothing
        self.input_spec = InputSpec(ndim=3)

    def checked_state_size(self, cell):
        """The cell's `state_size` as a list, one size per state."""
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError(f"RNN '{self.name}': its cell '{cell.name}' has no `state_size`. A cell sets it in "
                             f"`__init__`: the size of its state, or a list with one size per state.")
        sizes = list(state_size) if isinstance(state_size, (list, tuple)) else [state_size]
        if not all(isinstance(size, int) and size > 0 for size in sizes):
            raise ValueError(f"RNN '{self.name}': its cell '{cell.name}' has state_size {state_size!r}; expected "
                             f"a positive integer or a list of them.")
        return sizes

    def __call__(self, inputs, initial_state=None, **kwargs):
        """`initial_state` joins the inputs, so symbolic states connect a functional graph."""
        if initial_state is not None:
            states = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != len(self.state_size):
                raise ValueError(f"RNN '{self.name}' expects {len(self.state_size)} initial state(s), one for each "
                                 f"of its cell's state_size {self.cell.state_size!r}; received {len(states)}.")
            inputs = [inputs, *states]
        return super().__call__(inputs, **kwargs)

    def build(self, input_shape):
        sequence_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch, features = sequence_shape[0], sequence_shape[-1]
        if features is None:
            raise ValueError(f"RNN '{self.name}' needs the last axis of its input to be known, received shape "
                             f"{sequence_shape}.")
        self.cell._check_and_build((batch, features))  # the cell sees one step: (batch, features)
        self.input_spec = InputSpec(ndim=3, axes={-1: features})

    def get_initial_state(self, batch_size):
        """Zeros, one (batch, size) array for each state."""
        return [Tensor(xp().zeros((batch_size, size), dtype=self.cell.dtype)) for size in self.state_size]

    def call(self, inputs, training=False):
        if isinstance(inputs, list):
            sequences, states = inputs[0], list(inputs[1:])
        else:
            sequences, states = inputs, self.get_initial_state(inputs.shape[0])
        steps = range(sequences.shape[1])
        outputs = []
        for t in reversed(steps) if self.go_backwards else steps:
            output, states = self.step(sequences[:, t], states, training)
            outputs.append(output)
        output = stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        return [output, *states] if self.return_state else output

    def step(self, inputs, states, training):
        """One call of the cell on x_t; its output and its new states, as a list."""
        options = {"training": training} if self.cell._call_takes_training else {}
        output, new_states = self.cell.call(inputs, states, **options)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if len(new_states) != len(self.state_size):
            raise ValueError(f"RNN '{self.name}': its cell '{self.cell.name}' returned {len(new_states)} state(s), "
                             f"but its state_size {self.cell.state_size!r} promises {len(self.state_size)}.")
        return output, new_states

    def compute_output_shape(self, input_shape):
        sequence_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch, steps = sequence_shape[0], sequence_shape[1]
        output_size = getattr(self.cell, "output_size", self.state_size[0])
        output = (batch, steps, output_size) if self.return_sequences else (batch, output_size)
        if self.return_state:
            return [output] + [(batch, size) for size in self.state_size]
        return output

    def get_config(self):
        return {**super().get_config(), "cell": serialize_keras_object(self.cell),
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": False, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild the cell by its class name: kerasbook's, a registered one, or one in `custom_objects`."""
        cell = deserialize_keras_object(config["cell"], custom_objects=custom_objects, category="layers")
        return super().from_config({**config, "cell": cell})
