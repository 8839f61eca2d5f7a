"""`Bidirectional`: read a sequence both ways with a recurrent layer and merge the two readings.

One copy of the layer reads the sequence first step first, a second copy
(``go_backwards=True``) last step first. At every step the merged output then
knows the whole sequence: the steps before it from the forward copy, the steps
after it from the backward one. The backward copy returns its sequence in the
order it read it, so it is flipped back into time order before the merge.
"""
from ...engine.layer import Layer
from ...ops import concatenate
from ...ops.math import flip
from ...saving.serialization_lib import deserialize_keras_object, serialize_keras_object

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """Keras's ``Bidirectional(layer, merge_mode="concat", weights=None, backward_layer=None)``.

    `layer` is not used itself: two new layers are made from its config,
    ``forward_<name>`` and ``backward_<name>`` (the one reading backwards), with
    weights of their own, the forward layer's first (Keras's order). Give
    `backward_layer` to read backwards with another layer (same
    ``return_sequences``, ``return_state`` and ``stateful``, the other
    ``go_backwards``). `merge_mode` joins the two outputs: ``"concat"`` side by
    side, ``"sum"``, ``"mul"``, ``"ave"``, or None for a list of both. With
    ``return_state`` the last states follow the output, the forward layer's
    then the backward layer's; `initial_state` takes them in that order, its
    first half for the forward layer.

    Example:
        model = Sequential([Embedding(20000, 128), Bidirectional(LSTM(64)), Dense(1, activation="sigmoid")])
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        for argument, value in (("layer", layer), ("backward_layer", backward_layer)):
            if value is not None and not isinstance(value, Layer):
                raise ValueError(f"Bidirectional '{self.name}': {argument} must be a recurrent Layer such as "
                                 f"LSTM(64), received {value!r}.")
        missing = [a for a in ("go_backwards", "return_sequences", "return_state") if not hasattr(layer, a)]
        if missing:
            raise ValueError(f"Bidirectional '{self.name}' wraps a recurrent layer (with go_backwards, "
                             f"return_sequences and return_state); {type(layer).__name__} '{layer.name}' has no "
                             f"{', '.join(missing)}.")
        if merge_mode not in MERGE_MODES:
            raise ValueError(f"Bidirectional '{self.name}': merge_mode must be one of {list(MERGE_MODES)}, "
                             f"received {merge_mode!r}.")
        self.forward_layer = _copy(layer, name="forward_" + layer.name.removeprefix("forward_"))
        if backward_layer is None:
            backward_layer = _copy(layer, name="backward_" + layer.name.removeprefix("backward_"), go_backwards=True)
        self.backward_layer = backward_layer
        self.check_the_two_layers_agree()
        for each in (self.forward_layer, self.backward_layer):
            if hasattr(each, "zero_output_for_mask"):  # as Keras: masked steps of a returned sequence give zeros
                each.zero_output_for_mask = each.return_sequences
        self.merge_mode = merge_mode
        self.initial_weights = weights  # Keras 2's: set once the two layers are built
        self.stateful = getattr(layer, "stateful", False)
        self.return_sequences, self.return_state = layer.return_sequences, layer.return_state
        self.input_spec = layer.input_spec

    def check_the_two_layers_agree(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(f"Bidirectional '{self.name}': the forward and backward layers must read in opposite "
                             f"directions; both have go_backwards={forward.go_backwards}.")
        for attribute in ("stateful", "return_sequences", "return_state"):
            ours, theirs = getattr(forward, attribute, False), getattr(backward, attribute, False)
            if ours != theirs:
                raise ValueError(f"Bidirectional '{self.name}': the forward and backward layers must have the same "
                                 f"{attribute}; the forward layer has {ours}, the backward layer '{backward.name}' "
                                 f"{theirs}.")

    def __call__(self, inputs, initial_state=None, **kwargs):
        """`initial_state` joins the inputs, so symbolic states connect a functional graph."""
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) % 2:
                raise ValueError(f"Bidirectional '{self.name}' takes the forward layer's initial states and then "
                                 f"the backward layer's, as many of each; received {len(states)}.")
            inputs = [inputs, *states]
        return super().__call__(inputs, **kwargs)

    def build(self, input_shape):
        sequence_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        self.forward_layer._check_and_build(sequence_shape)
        self.backward_layer._check_and_build(sequence_shape)
        self.input_spec = self.forward_layer.input_spec
        if self.initial_weights:
            self.set_weights(self.initial_weights)

    def call(self, inputs, training=False):
        sequences, states = (inputs[0], inputs[1:]) if isinstance(inputs, list) else (inputs, [])
        half = len(states) // 2
        forward = self.forward_layer(sequences, initial_state=states[:half] or None, training=training)
        backward = self.backward_layer(sequences, initial_state=states[half:] or None, training=training)
        last_states = []
        if self.return_state:
            last_states = forward[1:] + backward[1:]
            forward, backward = forward[0], backward[0]
        if self.return_sequences:
            backward = flip(backward, axis=1)  # back into time order
        output = self.merge(forward, backward)
        if not self.return_state:
            return output
        return (output if self.merge_mode is None else [output]) + last_states

    def merge(self, forward, backward):
        if self.merge_mode == "concat":
            return concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return forward + backward
        if self.merge_mode == "mul":
            return forward * backward
        if self.merge_mode == "ave":
            return (forward + backward) / 2
        return [forward, backward]

    def compute_output_shape(self, input_shape):
        sequence_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        forward = self.forward_layer.compute_output_shape(sequence_shape)
        backward = self.backward_layer.compute_output_shape(sequence_shape)
        forward_states, backward_states = [], []
        if self.return_state:
            (forward, *forward_states), (backward, *backward_states) = forward, backward
        if self.merge_mode == "concat":
            output = [tuple(forward[:-1]) + (_sum_of_sizes(forward[-1], backward[-1]),)]
        elif self.merge_mode is None:
            output = [tuple(forward), tuple(backward)]
        else:
            output = [tuple(forward)]
        if self.return_state:
            return output + forward_states + backward_states
        return output if self.merge_mode is None else output[0]

    @property
    def states(self):
        """A stateful layer's last states, the forward layer's then the backward layer's."""
        if not self.stateful or self.forward_layer.states is None:
            return None
        return self.forward_layer.states + self.backward_layer.states

    def reset_states(self):
        """Start both layers' next batch from zeros (Keras's `reset_states`, also spelled `reset_state`)."""
        if not self.stateful:
            raise AttributeError(f"Bidirectional '{self.name}' is not stateful: its layers start every batch from "
                                 f"zeros already.")
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize_keras_object(self.forward_layer),
                "backward_layer": serialize_keras_object(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        layers = {key: deserialize_keras_object(config[key], custom_objects=custom_objects, category="layers")
                  for key in ("layer", "backward_layer") if config.get(key) is not None}
        return super().from_config({**config, **layers})


def _copy(layer, **changes):
    """A new layer from `layer`'s config with `changes`: the same arguments, none of its weights or states."""
    return type(layer).from_config({**layer.get_config(), **changes})


def _sum_of_sizes(a, b):
    return None if a is None or b is None else a + b
