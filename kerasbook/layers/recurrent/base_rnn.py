"""What LSTM, GRU and SimpleRNN share: Keras's arguments, outputs and states.

Each subclass names its fused op and creates its weights; this class turns
Keras's options (``return_sequences``, ``return_state``, ``go_backwards``,
``initial_state``, ``stateful``, ``dropout``, ``recurrent_dropout``) into that
op's arguments and its results into Keras's outputs and shapes.
"""
from ... import activations
from ...runtime import random
from ...runtime.array_module import xp
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops import Variable, nn
from ...ops.recurrent import ACTIVATIONS
from .recurrent_weights import RecurrentWeights


class BaseRNN(RecurrentWeights, Layer):
    state_count = 1  # LSTM carries two states, h and c
    weights_path = "cell"  # Keras keeps these weights in the layer's cell: files say layers/lstm/cell/vars

    def __init__(self, units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 zero_output_for_mask=False, dropout=0.0, recurrent_dropout=0.0, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.set_recurrent_arguments(units, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                                     kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                     kernel_constraint, recurrent_constraint, bias_constraint)
        kind = type(self).__name__
        for argument, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0 <= rate < 1:
                raise ValueError(f"{kind} '{self.name}': {argument} must be in [0, 1), received {rate!r}.")
        self.activation = self.fused_activation(activation, "activation")
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards
        self.stateful = stateful
        self.states = None  # with `stateful`: the last states of the last batch, one (batch, units) Variable each
        self.unroll = unroll  # a speed hint in Keras; the fused op always runs the same loop
        self.zero_output_for_mask = zero_output_for_mask  # in Keras's configs; without masks it changes nothing
        self.dropout, self.recurrent_dropout = dropout, recurrent_dropout
        self.input_spec = InputSpec(ndim=3)

    def __call__(self, inputs, initial_state=None, **kwargs):
        """`initial_state` joins the inputs, so symbolic states connect a functional graph."""
        if initial_state is not None:
            states = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != self.state_count:
                raise ValueError(f"{type(self).__name__} '{self.name}' expects {self.state_count} initial "
                                 f"state(s), received {len(states)}.")
            inputs = [inputs, *states]
        return super().__call__(inputs, **kwargs)

    def fused_activation(self, activation, argument):
        """The activation as a callable, checked to be one the fused op runs."""
        function = activations.get(activation)
        if getattr(function, "__name__", None) not in ACTIVATIONS:
            raise ValueError(f"{type(self).__name__} '{self.name}': {argument} must be one of "
                             f"{sorted(ACTIVATIONS)}, received {activation!r}.")
        return function

    def build(self, input_shape):
        sequence_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        features = sequence_shape[-1]
        if features is None:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs the last axis of its input to be "
                             f"known, received shape {sequence_shape}.")
        self.build_weights(features)
        self.input_spec = InputSpec(ndim=3, axes={-1: features})
        if self.stateful:
            self.states = self.new_state_variables(sequence_shape)

    def new_state_variables(self, sequence_shape):
        """Zeros, one (batch, units) Variable per state: where a stateful layer keeps its last states.

        They are not weights (Keras 3 neither counts nor saves them), and no
        gradient flows into them: a batch starts from the values the batch
        before it left behind.
        """
        batch = sequence_shape[0]
        if batch is None:
            raise ValueError(f"{type(self).__name__} '{self.name}' is stateful, so it needs a fixed batch size: "
                             f"it keeps one state per sample from batch to batch. Its input has shape "
                             f"{tuple(sequence_shape)}. Give the first layer `batch_input_shape=(batch, steps, "
                             f"features)` or `batch_size=`, or start from `Input(batch_shape=...)`.")
        return [Variable(xp().zeros((batch, self.units), dtype=self.dtype), name="rnn_state", trainable=False)
                for _ in range(self.state_count)]

    def reset_states(self):
        """Start the next batch from zeros (Keras's `reset_states`, also spelled `reset_state`)."""
        if not self.stateful:
            raise AttributeError(f"{type(self).__name__} '{self.name}' is not stateful: it starts every batch "
                                 f"from zeros already. Create it with `stateful=True` to carry states over.")
        for variable in self.states or []:
            variable.assign(xp().zeros(variable.shape, dtype=variable.dtype))

    reset_state = reset_states

    def build_weights(self, features):
        """Create kernel, recurrent_kernel and bias (`add_recurrent_weights`), and anything else the layer needs."""
        raise NotImplementedError

    def call(self, inputs, training=False):
        """Run the fused op; in training, with dropout masks drawn once per call and kept for every step.

        `dropout` zeroes the same input features at every step of a sequence,
        `recurrent_dropout` the same units of h_{t-1} in every recurrent
        product. A fresh mask at every step would pile noise up along the
        recurrence and wash out what the state carries; one mask per sequence
        drops the same connections throughout, like one thinned network
        (Gal and Ghahramani's variational dropout, which Keras implements).
        """
        sequences, states = (inputs[0], inputs[1:]) if isinstance(inputs, list) else (inputs, None)
        batch, _, features = sequences.shape
        if self.stateful:
            self.check_stateful_batch(batch)
            states = states or self.states
        if training and self.dropout:
            sequences = nn.dropout(sequences, self.dropout, noise_shape=(batch, 1, features))
        recurrent_mask = None
        if training and self.recurrent_dropout:
            recurrent_mask = random.dropout_mask((batch, self.units), self.recurrent_dropout, self.kernel.dtype)
        outputs = self.run(sequences, states, recurrent_mask, return_state=self.return_state or self.stateful)
        if not self.stateful:
            return outputs
        for variable, last in zip(self.states, outputs[1:]):
            variable.assign(last)  # the next batch starts here
        return outputs if self.return_state else outputs[0]

    def check_stateful_batch(self, batch):
        expected = self.states[0].shape[0]
        if batch != expected:
            raise ValueError(f"{type(self).__name__} '{self.name}' is stateful with batch size {expected} (its states "
                             f"are ({expected}, {self.units})), received a batch of {batch}. Every batch must have "
                             f"{expected} samples: pick a number of samples that {expected} divides, or drop the "
                             f"last, smaller batch.")

    def run(self, sequences, initial_state, recurrent_mask, return_state):
        """The fused op on (batch, time, features) sequences; Keras's outputs, with the last states if asked."""
        raise NotImplementedError

    def op_options(self, return_state):
        """What the fused op is told: which outputs, and which way through the sequence."""
        return {"return_sequences": self.return_sequences, "return_state": return_state,
                "go_backwards": self.go_backwards}

    def compute_output_shape(self, input_shape):
        sequence_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch, steps = sequence_shape[0], sequence_shape[1]
        output = (batch, steps, self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [output] + [(batch, self.units)] * self.state_count
        return output

    def get_config(self):
        return {**super().get_config(), **self.recurrent_arguments_config(),
                "activation": activations.serialize(self.activation), "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask, "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout}

