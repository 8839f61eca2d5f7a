"""What LSTM, GRU and SimpleRNN share: Keras's arguments, outputs and initial states.

Each subclass names its fused op and creates its weights; this class turns
Keras's options (``return_sequences``, ``return_state``, ``go_backwards``,
``initial_state``) into that op's arguments and its results into Keras's
outputs and shapes.
"""
from ... import activations
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops.recurrent import ACTIVATIONS


class BaseRNN(Layer):
    state_count = 1  # LSTM carries two states, h and c

    def __init__(self, units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 dropout=0.0, recurrent_dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        kind = type(self).__name__
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"{kind} '{self.name}': units must be a positive integer, received {units!r}.")
        if dropout or recurrent_dropout:
            raise NotImplementedError(
                f"{kind} '{self.name}': dropout and recurrent_dropout are not implemented (received {dropout}, "
                f"{recurrent_dropout}); put a Dropout layer before or after the {kind} instead.")
        if stateful:
            raise NotImplementedError(f"{kind} '{self.name}': stateful=True is not implemented; pass the last "
                                      f"states back in with `initial_state` instead.")
        self.units = units
        self.activation = self.fused_activation(activation, "activation")
        self.use_bias = use_bias
        self.kernel_initializer, self.recurrent_initializer = kernel_initializer, recurrent_initializer
        self.bias_initializer = bias_initializer
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards
        self.unroll = unroll  # a speed hint in Keras; the fused op always runs the same loop
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
        name = activations.serialize(function)
        if name not in ACTIVATIONS:
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

    def build_weights(self, features):
        """Create kernel, recurrent_kernel and bias, in that order (Keras's)."""
        raise NotImplementedError

    def call(self, inputs):
        sequences, states = (inputs[0], inputs[1:]) if isinstance(inputs, list) else (inputs, None)
        return self.run(sequences, states)

    def run(self, sequences, initial_state):
        """The fused op on (batch, time, features) sequences; Keras's outputs."""
        raise NotImplementedError

    def options(self):
        return {"return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards}

    def compute_output_shape(self, input_shape):
        sequence_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch, steps = sequence_shape[0], sequence_shape[1]
        output = (batch, steps, self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [output] + [(batch, self.units)] * self.state_count
        return output

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": self.kernel_initializer,
                "recurrent_initializer": self.recurrent_initializer, "bias_initializer": self.bias_initializer,
                **self.options(), "stateful": False, "unroll": self.unroll, "dropout": 0.0, "recurrent_dropout": 0.0}

